"""The customs sandbox's declaration register: seeded from the story, with the release flow as a state machine.

Release flow of a Chinese declaration (申报 → 审单 / 查验 → 放行 → 结关)::

    DECLARED -> REVIEWED | INSPECTED -> RELEASED -> CLEARED
    DECLARED -> REJECTED

Any other move is refused (``ILLEGAL_TRANSITION``). Each status reached is stamped with the sandbox clock and
answered as a WCO-style notification (:data:`NOTIFICATIONS`: function code and message name). A new submission's
path is decided once, from its content, so runs are deterministic:

* declarant unknown to the register or not ACTIVE → REJECTED;
* goods worth 1,000,000 or more → INSPECTED, RELEASED, CLEARED (physical inspection);
* otherwise → REVIEWED, RELEASED, CLEARED.

**Progress**: a declaration moves one step along its path each time a status operation reads it
(GetDeclarationStatus, GetDeclarationStatuses, ListDeclarations). Option ``progress``: ``"new"`` (default — only
declarations submitted in this run move; the story's stay as told), ``"all"``, ``"none"``. RecordDecision moves
one explicitly (any declaration, whatever the option) and the path continues from there.

Submission is idempotent by (declarant, LRN): the same content returns the same entry number; other content
under a used LRN is refused (``LRN_REUSED``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from adapters import story

__all__ = [
    "NOTIFICATIONS",
    "TRANSITIONS",
    "DeclarationRegister",
    "Entry",
    "RuleViolation",
    "Submission",
    "submission_of",
]

#: status -> (WCO-style response function code, message name) customs answers it with
NOTIFICATIONS: dict[str, tuple[str, str]] = {
    "DECLARED": ("02", "DMSRCV"),
    "REVIEWED": ("01", "DMSACC"),
    "INSPECTED": ("05", "DMSCTL"),
    "RELEASED": ("08", "DMSROG"),
    "CLEARED": ("09", "DMSCLE"),
    "REJECTED": ("03", "DMSREJ"),
}

#: the release flow: the statuses each status may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "DECLARED": frozenset({"REVIEWED", "INSPECTED", "REJECTED"}),
    "REVIEWED": frozenset({"RELEASED"}),
    "INSPECTED": frozenset({"RELEASED"}),
    "RELEASED": frozenset({"CLEARED"}),
    "CLEARED": frozenset(),
    "REJECTED": frozenset(),
}

_INSPECTION_VALUE = Decimal("1000000")


class RuleViolation(Exception):
    """A business rule the request breaks: ``code`` and the ``pointer`` to the offending element."""

    def __init__(self, message: str, *, code: str, pointer: str) -> None:
        super().__init__(message)
        self.code = code
        self.pointer = pointer


@dataclasses.dataclass(frozen=True, kw_only=True)
class Submission:
    """A declaration as lodged: every field of :class:`adapters.story.Declaration` but its number and statuses."""

    lrn: str
    declarant: tuple[str, str]
    direction: str
    procedure: str
    office: str
    exit_office: str
    departure_port: str
    transport_mode: str
    conveyance: str
    voyage: str | None
    awb: str | None
    vin: str | None
    barter_contract: str | None
    transaction_terms: str
    licences: tuple[tuple[str, str], ...]
    items: tuple[story.GoodsItem, ...]
    levy_nature: str


def submission_of(declaration: story.Declaration) -> Submission:
    return Submission(**{f.name: getattr(declaration, f.name) for f in dataclasses.fields(Submission)})


@dataclasses.dataclass(kw_only=True)
class Entry:
    number: str
    submission: Submission
    #: statuses reached, with when
    history: list[tuple[str, dt.datetime]]
    #: statuses still to come, in order
    pending: list[str]
    seeded: bool

    @property
    def status(self) -> tuple[str, dt.datetime]:
        return self.history[-1]


def _onwards(status: str) -> list[str]:
    """The usual rest of the flow after ``status``."""
    return {"REVIEWED": ["RELEASED", "CLEARED"], "INSPECTED": ["RELEASED", "CLEARED"], "RELEASED": ["CLEARED"]}.get(
        status, []
    )


def _seed(declaration: story.Declaration) -> Entry:
    history = [(status, dt.datetime.fromisoformat(at)) for status, at in declaration.statuses]
    return Entry(
        number=declaration.id,
        submission=submission_of(declaration),
        history=history,
        pending=_onwards(history[-1][0]),
        seeded=True,
    )


def _path(submission: Submission) -> list[str]:
    try:
        trader = story.company(submission.declarant)
    except KeyError:
        return ["REJECTED"]
    if trader.status != "ACTIVE":
        return ["REJECTED"]
    if sum((item.value for item in submission.items), Decimal(0)) >= _INSPECTION_VALUE:
        return ["INSPECTED", *_onwards("INSPECTED")]
    return ["REVIEWED", *_onwards("REVIEWED")]


class DeclarationRegister:
    """``seed``: the declarations on file at start (the story's; a bench or test may pass more, on the story's
    offices and declarants, to load the register without changing the demo)."""

    def __init__(
        self,
        *,
        clock: Callable[[], dt.datetime],
        progress: str = "new",
        seed: Iterable[story.Declaration] = story.DECLARATIONS,
    ) -> None:
        if progress not in ("new", "all", "none"):
            raise ValueError(f"customs sandbox option progress must be new, all or none, not {progress!r}")
        self._clock = clock
        self._progress = progress
        self._entries: dict[str, Entry] = {}
        self._by_lrn: dict[tuple[tuple[str, str], str], str] = {}
        self._sequence = 20000
        for declaration in seed:
            self._add(_seed(declaration))

    def _add(self, entry: Entry) -> None:
        self._entries[entry.number] = entry
        self._by_lrn[(entry.submission.declarant, entry.submission.lrn)] = entry.number

    # -- tenancy ----------------------------------------------------------------------------------------------
    @staticmethod
    def visible_declarant(declarant: tuple[str, str], agency: str | None) -> bool:
        """Whether an agency may see and declare for this trader (platform users may for anyone)."""
        if agency is None:
            return True
        try:
            return agency in story.company(declarant).agencies
        except KeyError:
            return False

    def visible(self, entry: Entry, agency: str | None) -> bool:
        return self.visible_declarant(entry.submission.declarant, agency)

    # -- writes -----------------------------------------------------------------------------------------------
    def submit(self, submission: Submission) -> tuple[Entry, bool]:
        """Register ``submission``; returns the entry and whether it was a duplicate of an earlier one."""
        known = self._by_lrn.get((submission.declarant, submission.lrn))
        if known is not None:
            entry = self._entries[known]
            if entry.submission != submission:
                raise RuleViolation(
                    f"LRN {submission.lrn} was already used by this declarant for a different declaration "
                    f"(entry number {entry.number}); use a new LRN or amend the declaration",
                    code="LRN_REUSED",
                    pointer="/SubmitDeclarationRequest/LRN",
                )
            return entry, True
        now = self._clock()
        self._sequence += 1
        flag = "0" if submission.direction == "EXPORT" else "1"
        number = f"{submission.office}{now.year:04d}{flag}{self._sequence:09d}"
        entry = Entry(
            number=number,
            submission=submission,
            history=[("DECLARED", now)],
            pending=_path(submission),
            seeded=False,
        )
        self._add(entry)
        return entry, False

    def decide(self, number: str, status: str, agency: str | None) -> Entry | None:
        """Move a declaration to ``status`` if the release flow allows it (None if there is no such declaration)."""
        entry = self._entries.get(number)
        if entry is None or not self.visible(entry, agency):
            return None
        current = entry.status[0]
        if status not in TRANSITIONS[current]:
            allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is final)"
            raise RuleViolation(
                f"declaration {number} is {current}: it can move to {allowed}, not {status}",
                code="ILLEGAL_TRANSITION",
                pointer="/RecordDecisionRequest/Status",
            )
        entry.history.append((status, self._clock()))
        entry.pending = _onwards(status)
        return entry

    # -- reads (each read moves a declaration one step, see the module docstring) -----------------------------
    def _observe(self, entry: Entry) -> Entry:
        moving = self._progress == "all" or (self._progress == "new" and not entry.seeded)
        if moving and entry.pending:
            entry.history.append((entry.pending.pop(0), self._clock()))
        return entry

    def by_number(self, number: str, agency: str | None) -> Entry | None:
        entry = self._entries.get(number)
        return self._observe(entry) if entry is not None and self.visible(entry, agency) else None

    def by_lrn(self, lrn: str, declarant: tuple[str, str] | None, agency: str | None) -> Entry | None:
        matches = [
            e
            for e in self._entries.values()
            if e.submission.lrn == lrn and (declarant is None or e.submission.declarant == declarant)
        ]
        matches = [e for e in matches if self.visible(e, agency)]
        return self._observe(matches[0]) if len(matches) == 1 else None

    def search(
        self,
        *,
        declarants: Iterable[tuple[str, str]] = (),
        awbs: Iterable[str] = (),
        vins: Iterable[str] = (),
        barter_contracts: Iterable[str] = (),
        agency: str | None,
    ) -> list[Entry]:
        """Entries matching every given criterion (any value within one), oldest first."""
        wanted: list[set[object]] = [set(declarants), set(awbs), set(vins), set(barter_contracts)]

        def keep(e: Entry) -> bool:
            s = e.submission
            values: Sequence[object] = (s.declarant, s.awb, s.vin, s.barter_contract)
            return all(not want or value in want for want, value in zip(wanted, values, strict=True))

        found = [e for e in self._entries.values() if keep(e) and self.visible(e, agency)]
        found.sort(key=lambda e: (e.history[0][1], e.number))
        return found

    def observe_all(self, entries: Iterable[Entry]) -> list[Entry]:
        return [self._observe(e) for e in entries]
