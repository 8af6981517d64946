"""Planning at the centre (代办服务科): the week plan and its CP-SAT draft, publishing to the vans,
bookings with capacity in staff-minutes, home-visit runs, reminders, themed sessions and their
announcements. UI-free: tui/central renders what these modules return."""
