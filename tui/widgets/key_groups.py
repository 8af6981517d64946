"""Binding groups whose description is a translation key, like binding descriptions.

The footer shows a group as its keys and one description ("1234 办理结果"), which keeps
a screen's keys within 80 columns. The Translated mixin translates descriptions only.
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from tui.i18n import t


def translate_groups(node: DOMNode) -> None:
    bindings = node._bindings.key_to_bindings
    for key, found in bindings.items():
        bindings[key] = [
            dataclasses.replace(binding, group=Binding.Group(t(binding.group.description), binding.group.compact))
            if binding.group is not None else binding
            for binding in found
        ]
