"""Device units, one module per device, imported by name."""
