"""The readers and scanners a piece of work holds while it needs them, and who has them when it does not.

A step says which devices it needs (`want`); what it no longer needs is released, so the
desk or another window can have it. A device someone else holds is not taken unasked:
`take` does that, when staff choose to.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.problems import Problem
from flows import claims
from flows.claims import HeldBy
from flows.van import Van

__all__ = ["Hold", "Holding"]


@dataclass(frozen=True)
class Hold:
    """A device the work needs: who holds it, and why this terminal does not when its claim failed."""

    device: str
    held: HeldBy
    problem: Problem | None = None

    @property
    def elsewhere(self) -> bool:
        """Another terminal has it: a view names the holder and offers to take it."""
        return not self.held.mine and self.held.name is not None


class Holding:
    def __init__(self, van: Van, window: str | None, staff_name: str) -> None:
        self.van = van
        self.window = window
        self.staff_name = staff_name
        self.wanted: tuple[str, ...] = ()
        self._problems: dict[str, Problem] = {}

    async def want(self, devices: tuple[str, ...]) -> list[Hold]:
        """Hold `devices` (those nobody holds, or this terminal already does), and let go of the others."""
        for device in self.wanted:
            if device not in devices:
                await claims.release(self.van, device)
        self.wanted = devices
        return await self.claim_free()

    async def claim_free(self) -> list[Hold]:
        """Claim each wanted device this terminal does not hold and nobody else does (again, after a release)."""
        for device in self.wanted:
            held = claims.holder(self.van, device)
            if held.mine or held.name is not None:
                continue  # held elsewhere: staff may take it, nobody takes it unasked
            self._set(device, await claims.claim(self.van, device, self.window, self.staff_name))
        return self.holds()

    async def take(self, device: str) -> Problem | None:
        problem = await claims.claim(self.van, device, self.window, self.staff_name, take=True)
        self._set(device, problem)
        return problem

    async def release_all(self) -> None:
        await self.want(())

    def holds(self) -> list[Hold]:
        return [Hold(device, claims.holder(self.van, device), self._problems.get(device)) for device in self.wanted]

    def _set(self, device: str, problem: Problem | None) -> None:
        if problem is None:
            self._problems.pop(device, None)
        else:
            self._problems[device] = problem
