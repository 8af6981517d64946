"""ESC/POS receipt printer: print documents, encoder, decoder, status, transports, emulator."""
