"""Camera tests: page finding, capture modes, stamp, storage, folder source, emulator, V4L2."""
