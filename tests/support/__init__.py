"""Test support: real brokers, real daemons, real config files. No mocks of our own boundaries."""
