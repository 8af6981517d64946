"""The van's workflows, without any UI: what may happen next, what it does, and who is told.

See docs/flows.md for the conventions every flow follows.
"""
