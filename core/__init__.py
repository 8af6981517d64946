"""Facts every layer of govan shares, in one place: device names and states, GB 11643 ID
numbers, masking of personal data, case numbers, contact details, the queue's limits, and problem codes.

A leaf: it imports nothing of ours, and nothing heavier than the standard library.
"""
