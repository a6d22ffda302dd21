"""The rail sandbox speaks ISO 20022: malformed input is a reject (never a crash), duplicates follow the rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import httpx
import pytest

from adapters import story
from adapters.payments.client import RailClient
from adapters.payments.messages import camt056, pacs002, pacs008
from adapters.payments.messages.envelope import parse_message, render_message
from adapters.payments.model import CreditTransfer, Party
from adapters.payments.sandbox import create_app
from gateway.sdk.sandbox import SandboxConfig

from .conftest import HAIXIN_ACCOUNT, HORGOS_ACCOUNT, SETTLED_UETR, rail_ledger

NOW = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)


def transfer(**overrides) -> CreditTransfer:
    ct = CreditTransfer(
        msg_id=f"T{uuid.uuid4().hex[:20].upper()}",
        created=NOW,
        instructing_bic="SLKGCNQDXXX",
        instructed_bic="SGRLCNSHXXX",
        uetr=str(uuid.uuid4()),
        end_to_end_id="E2E-SANDBOX-1",
        instruction_id="I-1",
        amount=Decimal("10.00"),
        currency="CNY",
        charge_bearer="SHAR",
        settlement_date=NOW.date(),
        debtor=Party(
            name="Horgos",
            country="CN",
            tax_id="91650000MA77X8TQ31",
            account=HORGOS_ACCOUNT,
            agent_bic="BKCHCNBJXXX",
            town="Horgos",
            address="12 Kazakhstan Street, Horgos, Ili, Xinjiang",
        ),
        creditor=Party(
            name="Haixin",
            country="CN",
            tax_id="91370281MA3C5R7B0C",
            account=HAIXIN_ACCOUNT,
            agent_bic="ICBKCNBJXXX",
            town="Qingdao",
        ),
        remittance="test",
    )
    return dataclasses.replace(ct, **overrides)


@pytest.fixture
def client(http):
    return RailClient(http, participant_bic="SLKGCNQDXXX", rail_bic="SGRLCNSHXXX")


def _reject(response: httpx.Response) -> tuple[str, str | None, str | None]:
    [report] = pacs002.read(parse_message(response.content).document)
    return report.status, report.reason, report.info


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        (b"<Message", "not well-formed"),
        (b"", "not well-formed"),
        (b"<Foo xmlns='urn:x'/>", "root element"),
        (b"<Message xmlns='urn:silkgraph:payments-rail:envelope:1'/>", "AppHdr"),
    ],
)
async def test_malformed_xml_is_rejected_ff01(http, body, hint):
    response = await http.post("/iso20022/messages", content=body, headers={"Content-Type": "application/xml"})
    assert response.status_code == 400
    status, reason, info = _reject(response)
    assert (status, reason) == ("RJCT", "FF01")
    assert hint in info


async def test_entities_are_not_expanded(http):
    body = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Message xmlns='urn:silkgraph:payments-rail:envelope:1'>&x;</Message>"
    )
    response = await http.post("/iso20022/messages", content=body, headers={"Content-Type": "application/xml"})
    assert response.status_code == 400
    assert b"root:" not in response.content


async def test_schema_violation_is_rejected_ff01_naming_the_element(http):
    body = render_message(
        pacs008.build(transfer()),
        msg_def=pacs008.MSG_DEF,
        sender_bic="SLKGCNQDXXX",
        receiver_bic="SGRLCNSHXXX",
        biz_msg_id="BAD1",
        created=NOW,
    ).replace(b"<ChrgBr>SHAR</ChrgBr>", b"<ChrgBr>SHAR</ChrgBr><Bogus/>")
    response = await http.post("/iso20022/messages", content=body, headers={"Content-Type": "application/xml"})
    status, reason, info = _reject(response)
    assert (response.status_code, status, reason) == (400, "RJCT", "FF01")
    assert "Bogus" in info
    too_long = body.replace(b"<Bogus/>", b"").replace(b"E2E-SANDBOX-1", b"E" * 36)
    response = await http.post("/iso20022/messages", content=too_long, headers={"Content-Type": "application/xml"})
    assert "EndToEndId" in _reject(response)[2]


async def test_elements_out_of_schema_order_are_rejected_ff01(http):
    body = render_message(
        pacs008.build(transfer()),
        msg_def=pacs008.MSG_DEF,
        sender_bic="SLKGCNQDXXX",
        receiver_bic="SGRLCNSHXXX",
        biz_msg_id="ORDER1",
        created=NOW,
    )
    start, end = body.index(b"<ChrgBr>"), body.index(b"</ChrgBr>") + len(b"</ChrgBr>")
    charge = body[start:end]
    swapped = (body[:start] + body[end:]).replace(b"<IntrBkSttlmAmt", charge + b"<IntrBkSttlmAmt", 1)
    response = await http.post("/iso20022/messages", content=swapped, headers={"Content-Type": "application/xml"})
    status, reason, info = _reject(response)
    assert (response.status_code, status, reason) == (400, "RJCT", "FF01")
    assert "ChrgBr is out of schema order" in info


def _recall_body(uetr: str = SETTLED_UETR, msg_id: str = "RCL1") -> bytes:
    request = camt056.RecallRequest(
        case_id=msg_id,
        assigner_bic="SLKGCNQDXXX",
        assignee_bic="SGRLCNSHXXX",
        created=NOW,
        uetr=uetr,
        reason="FRAD",
    )
    return render_message(
        camt056.build(request),
        msg_def=camt056.MSG_DEF,
        sender_bic="SLKGCNQDXXX",
        receiver_bic="SGRLCNSHXXX",
        biz_msg_id=msg_id,
        created=NOW,
    )


@pytest.mark.parametrize(
    ("tamper", "hint"),
    [
        ((SETTLED_UETR.encode(), SETTLED_UETR.upper().encode()), "OrgnlUETR"),  # the official XSD's pattern
        ((b"<Cd>FRAD</Cd>", b"<Cd>FRAUD</Cd>"), "Cd"),  # ExternalCancellationReason1Code is at most 4
        ((b"<Case>", b"<Bogus/><Case>"), "Bogus"),
        (
            (
                b"<Assgne><Agt><FinInstnId><BICFI>SGRLCNSHXXX</BICFI></FinInstnId></Agt>",
                b"<Assgne><Pty><Nm>R</Nm></Pty>",
            ),
            "Assgne must be an agent",
        ),
        ((b"<Assgne>", b"<Assgne><Pty><Nm>R</Nm></Pty>"), "Assgnmt/Assgne: Unexpected child with tag 'Agt'"),
        ((b"<TxInf>", b"<TxInf><CxlId>X</CxlId></TxInf><TxInf>"), "exactly one transaction"),
        ((b"<CxlRsnInf><Rsn><Cd>FRAD</Cd></Rsn></CxlRsnInf>", b""), "CxlRsnInf/Rsn is required"),
        ((b"camt.056.001.12", b"camt.056.001.08"), "unsupported MsgDefIdr 'camt.056.001.08'"),
    ],
)
async def test_a_recall_the_official_xsd_or_the_rail_refuses_is_ff01_naming_why(http, rail, tamper, hint):
    body = _recall_body()
    assert tamper[0] in body
    response = await http.post(
        "/iso20022/messages/camt.056", content=body.replace(*tamper), headers={"Content-Type": "application/xml"}
    )
    status, reason, info = _reject(response)
    assert (response.status_code, status, reason) == (400, "RJCT", "FF01")
    assert hint in (info or "")
    assert (await rail_ledger(rail))["returns"] == []


async def test_wrong_content_type_is_rejected(http):
    response = await http.post("/iso20022/messages", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415
    assert _reject(response)[1] == "FF01"


async def test_same_message_twice_gets_the_first_answer_again(client, rail):
    ct = transfer()
    first = await client.send_credit_transfer(ct)
    again = await client.send_credit_transfer(ct, possible_duplicate=True)
    assert first == again and first.status == "ACTC"
    ledger = await rail_ledger(rail)
    assert ledger["calls"]["pacs.008.replayed"] == 1
    assert ledger["settlements"][ct.uetr] == 1


async def test_same_msg_id_with_other_payload_is_rjct_am05(client):
    ct = transfer()
    await client.send_credit_transfer(ct)
    other = await client.send_credit_transfer(dataclasses.replace(ct, amount=Decimal("11.00"), uetr=str(uuid.uuid4())))
    assert (other.status, other.reason) == ("RJCT", "AM05")


async def test_reused_uetr_in_a_new_message_is_rjct_dupl(client):
    ct = transfer()
    await client.send_credit_transfer(ct)
    reused = await client.send_credit_transfer(dataclasses.replace(ct, msg_id="NEWMSG0001"))
    assert (reused.status, reused.reason) == ("RJCT", "DUPL")
    story = await client.send_credit_transfer(transfer(uetr=SETTLED_UETR))
    assert (story.status, story.reason) == ("RJCT", "DUPL")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"amount": Decimal("0")}, "AM01"),
        ({"currency": "JPY"}, "AM03"),
        ({"currency": "KZT"}, "AM03"),
        ({"creditor_account": "12345678"}, "AC03"),
        ({"debtor_agent_bic": "ICBKCNBJXXX"}, "RC01"),
    ],
)
async def test_technical_checks_reject_at_once(client, overrides, reason):
    if "debtor_agent_bic" in overrides:
        ct = transfer()
        ct = dataclasses.replace(ct, debtor=dataclasses.replace(ct.debtor, agent_bic=overrides["debtor_agent_bic"]))
    elif "creditor_account" in overrides:
        ct = transfer()
        ct = dataclasses.replace(ct, creditor=dataclasses.replace(ct.creditor, account=overrides["creditor_account"]))
    else:
        ct = transfer(**overrides)
    report = await client.send_credit_transfer(ct)
    assert (report.status, report.reason) == ("RJCT", reason)


@pytest.mark.parametrize("amount", ["1250.005", "0.001", "10.00001"])
async def test_amount_finer_than_the_minor_unit_is_rjct_am12_never_rounded(client, rail, amount):
    report = await client.send_credit_transfer(transfer(amount=Decimal(amount)))
    assert (report.status, report.reason) == ("RJCT", "AM12")
    assert amount in (report.info or "")
    assert report.transfer is None or report.transfer.amount == Decimal(amount)


@pytest.mark.parametrize(("role", "reason"), [("debtor", "RR02"), ("creditor", "RR03")])
@pytest.mark.parametrize("missing", ["name", "town"])
async def test_party_without_name_or_postal_address_is_rjct(client, role, reason, missing):
    ct = transfer()
    ct = dataclasses.replace(ct, **{role: dataclasses.replace(getattr(ct, role), **{missing: ""})})
    report = await client.send_credit_transfer(ct)
    assert (report.status, report.reason) == ("RJCT", reason)


async def test_rail_refuses_a_debtor_outside_the_callers_agency(client):
    report = await client.send_credit_transfer(transfer(), agency="ru-export-center")
    assert (report.status, report.reason) == ("RJCT", "AG01")


async def test_one_inquiry_answers_many_uetrs(client):
    unknown = str(uuid.uuid4())
    reports = await client.inquire([SETTLED_UETR, unknown])
    assert reports[SETTLED_UETR].status == "ACSC" and reports[SETTLED_UETR].transfer is not None
    assert (reports[unknown].status, reports[unknown].reason, reports[unknown].known) == ("RJCT", "NOOR", False)


async def test_compliance_release_settles_a_pending_payment(http, client, rail):
    minsk = Party(
        name="Minsk",
        country="BY",
        tax_id="200988541",
        account="BY13NBRB3600900000002Z00AB00",
        agent_bic="AKBBBY2XXXX",
        town="Minsk",
    )
    pudong = Party(
        name="Pudong",
        country="CN",
        tax_id="91310115MA1K3Y4A90",
        account="3100661234567890123",
        agent_bic="COMMCNSHXXX",
        town="Shanghai",
    )
    ct = transfer(debtor=minsk, creditor=pudong)
    await client.send_credit_transfer(ct)
    assert (await client.inquire([ct.uetr]))[ct.uetr].status == "PDNG"
    released = await http.post(f"/_sandbox/compliance/{ct.uetr}", params={"decision": "release"})
    assert released.json()["status"] == "ACSP"
    assert (await client.inquire([ct.uetr]))[ct.uetr].status == "ACSC"
    assert (await rail_ledger(rail))["settlements"][ct.uetr] == 1


def test_the_payments_option_seeds_the_rail_and_other_options_stay_checked() -> None:
    (first, *_) = story.PAYMENTS
    app = create_app(SandboxConfig(options={"payments": (first,), "step_delay": 0}))
    assert set(app.state.rail.rail.transactions) == {first.uetr}
    with pytest.raises(ValueError, match="unknown payments-rail option"):
        create_app(SandboxConfig(options={"payment": (first,)}))
