"""The second-generation ID-card reader (SAM protocol).

Sans-I/O protocol: frames (codec), commands, status (SW3 table), codes, card (its
number checked by core.idnumber) and layouts (the 256-byte card text), sam (what the
reader answers).
I/O around it: link (serial) and usb (two-pipe USB) transports, driver (poll loop),
emulator (a reader on a pty pair) with presets (made-up cards).
"""
