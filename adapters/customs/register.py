"""The customs sandbox's declaration register: seeded from the story, with the clearance state machine.

Notification codes (domain.md §2.1, WCO DMS): 02 DMSRCV received → 01 DMSACC accepted → (06 DMSDOC documents
required | 05 DMSCTL control) → 09 DMSCLE cleared; 03 DMSREJ rejected. A new submission's path is decided once,
from its content, so runs are deterministic:

* declarant unknown to the register or not ACTIVE → 02, 03 (rejected);
* export of a used vehicle (a VIN) → 02, 01, 06, 09 (export licence and deregistration papers asked for);
* goods worth 1,000,000 or more → 02, 01, 05, 09 (physical control);
* otherwise → 02, 01, 09.

**Progress**: a declaration moves one step along its path each time a status operation reads it
(GetDeclarationStatus, GetDeclarationStatuses, ListDeclarations), stamped with the sandbox clock. Option
``progress``: ``"new"`` (default — only declarations submitted in this run move; the story's stay as told),
``"all"`` (seeded ones in flight move too), ``"none"``.

Submission is idempotent by (declarant, LRN): the same content returns the same MRN; other content under a
used LRN is refused (``LRN_REUSED``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from adapters import story

__all__ = [
    "NOTIFICATIONS",
    "OFFICES",
    "PROCEDURES",
    "DeclarationRegister",
    "Entry",
    "RuleViolation",
    "Submission",
]

NOTIFICATIONS: dict[str, str] = {
    "01": "DMSACC",
    "02": "DMSRCV",
    "03": "DMSREJ",
    "05": "DMSCTL",
    "06": "DMSDOC",
    "07": "DMSRES",
    "08": "DMSROG",
    "09": "DMSCLE",
    "10": "DMSINV",
    "11": "DMSREQ",
    "13": "DMSTAX",
    "16": "DMSEOG",
    "17": "DMSEXT",
}

#: Chinese trade modes (监管方式, the declaration's supervision-mode code) the sandbox accepts, for exports and
#: imports alike; EU procedure codes (1000, 4000) are not Chinese codes and are refused
PROCEDURES: dict[str, str] = {
    "0110": "General trade (一般贸易)",
    "0130": "Barter trade (易货贸易)",
    "1039": "Market procurement (市场采购)",
    "4019": "Border small-amount trade (边境小额)",
    "9610": "Cross-border e-commerce, retail (跨境贸易电子商务)",
    "9710": "Cross-border e-commerce, B2B direct export (跨境电商B2B直接出口)",
    "9810": "Cross-border e-commerce, export to overseas warehouses (跨境电商出口海外仓)",
}

#: customs offices by id, as the story names them ("CN4201 Qingdao Liuting Airport Customs")
OFFICES: dict[str, str] = {d.office.split(" ", 1)[0]: d.office.split(" ", 1)[1] for d in story.DECLARATIONS}

_CONTROL_VALUE = Decimal("1000000")
_TERMINAL = {"03", "09", "10", "16"}


class RuleViolation(Exception):
    """A business rule the submission breaks: ``code`` and the ``pointer`` to the offending element."""

    def __init__(self, message: str, *, code: str, pointer: str) -> None:
        super().__init__(message)
        self.code = code
        self.pointer = pointer


@dataclasses.dataclass(frozen=True, kw_only=True)
class Submission:
    lrn: str
    declarant: tuple[str, str]
    direction: str
    procedure: str
    office_id: str
    awb: str | None
    vin: str | None
    barter_contract: str | None
    items: tuple[story.GoodsItem, ...]


@dataclasses.dataclass(kw_only=True)
class Entry:
    mrn: str
    submission: Submission
    notifications: list[tuple[str, dt.datetime]]
    #: codes still to come, in order
    pending: list[str]
    seeded: bool

    @property
    def status(self) -> tuple[str, dt.datetime]:
        return self.notifications[-1]

    @property
    def office_name(self) -> str:
        return OFFICES.get(self.submission.office_id, self.submission.office_id)


def _seed(declaration: story.Declaration) -> Entry:
    office_id = declaration.office.split(" ", 1)[0]
    submission = Submission(
        lrn=declaration.lrn,
        declarant=declaration.declarant,
        direction=declaration.direction,
        procedure=declaration.procedure,
        office_id=office_id,
        awb=declaration.awb,
        vin=declaration.vin,
        barter_contract=declaration.barter_contract,
        items=declaration.items,
    )
    notices = [(code, dt.datetime.fromisoformat(at)) for code, at in declaration.statuses]
    pending = [] if notices[-1][0] in _TERMINAL else ["09"]
    return Entry(mrn=declaration.id, submission=submission, notifications=notices, pending=pending, seeded=True)


def _path(submission: Submission) -> list[str]:
    try:
        trader = story.company(submission.declarant)
    except KeyError:
        return ["03"]
    if trader.status != "ACTIVE":
        return ["03"]
    if submission.vin and submission.direction == "EXPORT":
        return ["01", "06", "09"]
    if sum((item.value for item in submission.items), Decimal(0)) >= _CONTROL_VALUE:
        return ["01", "05", "09"]
    return ["01", "09"]


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
        self._sequence = 1000
        for declaration in seed:
            self._add(_seed(declaration))

    def _add(self, entry: Entry) -> None:
        self._entries[entry.mrn] = entry
        self._by_lrn[(entry.submission.declarant, entry.submission.lrn)] = entry.mrn

    # -- tenancy ----------------------------------------------------------------------------------------------
    @staticmethod
    def visible(entry: Entry, agency: str | None) -> bool:
        if agency is None:
            return True
        try:
            return agency in story.company(entry.submission.declarant).agencies
        except KeyError:
            return False

    @staticmethod
    def visible_declarant(declarant: tuple[str, str], agency: str | None) -> bool:
        """Whether an agency may declare for this trader (platform users may declare for anyone)."""
        if agency is None:
            return True
        try:
            return agency in story.company(declarant).agencies
        except KeyError:
            return False

    # -- writes -----------------------------------------------------------------------------------------------
    def submit(self, submission: Submission) -> tuple[Entry, bool]:
        """Register ``submission``; returns the entry and whether it was a duplicate of an earlier one."""
        known = self._by_lrn.get((submission.declarant, submission.lrn))
        if known is not None:
            entry = self._entries[known]
            if entry.submission != submission:
                raise RuleViolation(
                    f"LRN {submission.lrn} was already used by this declarant for a different declaration "
                    f"(MRN {entry.mrn}); use a new LRN or amend the declaration",
                    code="LRN_REUSED",
                    pointer="/SubmitDeclarationRequest/LRN",
                )
            return entry, True
        now = self._clock()
        self._sequence += 1
        kind = "B" if submission.procedure in ("0130", "4019") else submission.direction[0]
        mrn = f"{now.year % 100:02d}{submission.office_id}{kind}{self._sequence:09d}"
        entry = Entry(
            mrn=mrn, submission=submission, notifications=[("02", now)], pending=_path(submission), seeded=False
        )
        self._add(entry)
        return entry, False

    # -- reads (each read moves a declaration one step, see the module docstring) -----------------------------
    def _observe(self, entry: Entry) -> Entry:
        moving = self._progress == "all" or (self._progress == "new" and not entry.seeded)
        if moving and entry.pending:
            entry.notifications.append((entry.pending.pop(0), self._clock()))
        return entry

    def by_mrn(self, mrn: str, agency: str | None) -> Entry | None:
        entry = self._entries.get(mrn)
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
        found.sort(key=lambda e: (e.notifications[0][1], e.mrn))
        return found

    def observe_all(self, entries: Iterable[Entry]) -> list[Entry]:
        return [self._observe(e) for e in entries]
