"""The Textual terminal UI: ticket desk, window calling, intake, board and the captain's views."""
