"""Every message the rail speaks round-trips through the ISO 20022 bindings and passes the schema facets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from adapters.payments.messages import camt029, camt053, camt056, official, pacs002, pacs004, pacs008, pacs028
from adapters.payments.messages.envelope import InvalidMessage, parse_message, render_message
from adapters.payments.messages.facets import FacetViolation, check_facets
from adapters.payments.model import (
    RecallOutcome,
    ReturnRecord,
    StatementEntry,
    StatementRecord,
    StatusEvent,
    TransactionReport,
)

from .test_sandbox import NOW, transfer

UETR = "6513270e-269e-4d37-b2a7-4de452e6b438"


def _wire(document, msg_def: str, **header):
    data = render_message(
        document,
        msg_def=msg_def,
        sender_bic="SLKGCNQDXXX",
        receiver_bic="SGRLCNSHXXX",
        biz_msg_id="M1",
        created=NOW,
        **header,
    )
    return parse_message(data, expect=msg_def)


def test_pacs008_round_trips():
    ct = transfer(uetr=UETR)
    msg = _wire(pacs008.build(ct), pacs008.MSG_DEF, possible_duplicate=True)
    assert (msg.sender_bic, msg.receiver_bic, msg.possible_duplicate) == ("SLKGCNQDXXX", "SGRLCNSHXXX", True)
    assert pacs008.read(msg.document) == ct


def test_iban_accounts_are_sent_as_iban():
    ct = transfer()
    ct = dataclasses.replace(ct, creditor=dataclasses.replace(ct.creditor, account="KZ86125KZT5004100100"))
    xml = render_message(
        pacs008.build(ct),
        msg_def=pacs008.MSG_DEF,
        sender_bic="A" * 8,
        receiver_bic="B" * 8,
        biz_msg_id="M",
        created=NOW,
    )
    assert b"<IBAN>KZ86125KZT5004100100</IBAN>" in xml


def test_pacs002_inquiry_answer_carries_details_and_history():
    ct = transfer(uetr=UETR)
    report = TransactionReport(
        uetr=UETR,
        end_to_end_id=ct.end_to_end_id,
        original_msg_id=ct.msg_id,
        status="RJCT",
        reason="AM04",
        info="insufficient funds",
        accepted_at=NOW,
        transfer=ct,
        history=(StatusEvent(status="ACTC", at=NOW), StatusEvent(status="RJCT", at=NOW, reason="AM04")),
    )
    doc = pacs002.build(
        [report], msg_id="R1", created=NOW, original_msg_id="Q1", original_msg_def=pacs028.MSG_DEF, details=True
    )
    [back] = pacs002.read(_wire(doc, pacs002.MSG_DEF).document)
    assert (back.status, back.reason, back.info, back.history) == ("RJCT", "AM04", "insufficient funds", report.history)
    assert back.transfer is not None
    assert (back.transfer.amount, back.transfer.debtor, back.transfer.creditor) == (ct.amount, ct.debtor, ct.creditor)


def test_pacs002_group_reject_reads_as_one_report():
    doc = pacs002.build_group_reject(
        msg_id="R2", created=NOW, original_msg_id="M9", original_msg_def="pacs.008.001.08", reason="FF01", info="bad"
    )
    [report] = pacs002.read(_wire(doc, pacs002.MSG_DEF).document)
    assert (report.uetr, report.status, report.reason, report.original_msg_id) == (None, "RJCT", "FF01", "M9")


def test_pacs028_names_every_uetr():
    uetrs = [UETR, "d23f0824-128b-4f33-8c5c-7fd0a6a3a450"]
    assert pacs028.read(_wire(pacs028.build(uetrs, msg_id="Q1", created=NOW), pacs028.MSG_DEF).document) == uetrs


def test_recall_messages_round_trip():
    request = camt056.RecallRequest(
        case_id="CASE1",
        assigner_bic="SLKGCNQDXXX",
        assignee_bic="SGRLCNSHXXX",
        created=NOW,
        uetr=UETR,
        reason="FRAD",
        info="phishing",
    )
    assert camt056.read(_wire(camt056.build(request), camt056.MSG_DEF).document) == request
    outcome = RecallOutcome(
        case_id="CASE1",
        uetr=UETR,
        status="RJCR",
        requested_reason="FRAD",
        at=NOW,
        rejection_reason="ARDT",
        info="already returned",
    )
    doc = camt029.build(outcome, assignment_id="A1", assigner_bic="SGRLCNSHXXX", assignee_bic="SLKGCNQDXXX")
    assert camt029.read(_wire(doc, camt029.MSG_DEF).document, requested_reason="FRAD") == outcome


def test_pacs004_round_trips():
    ret = ReturnRecord(
        return_id="RTR1",
        uetr=UETR,
        end_to_end_id="E1",
        amount=Decimal("86000.00"),
        currency="CNY",
        reason="FRAD",
        returned_at=NOW,
        settlement_date=NOW.date(),
    )
    doc = pacs004.build(ret, msg_id="P4", original_msg_id="ALMAUTO20261118001")
    assert pacs004.read(_wire(doc, pacs004.MSG_DEF).document) == [ret]


def test_recall_free_text_goes_over_several_lines_never_cut():
    info = "phishing: the debtor was told to pay a look-alike account; " * 4  # 240 characters
    request = camt056.RecallRequest(
        case_id="CASE2",
        assigner_bic="SLKGCNQDXXX",
        assignee_bic="SGRLCNSHXXX",
        created=NOW,
        uetr=UETR,
        reason="FRAD",
        info=info,
    )
    wire = _wire(camt056.build(request), camt056.MSG_DEF)
    [tx] = wire.document["FIToFIPmtCxlReq"]["Undrlyg"][0]["TxInf"]
    assert [len(line) for line in tx["CxlRsnInf"][0]["AddtlInf"]] == [105, 105, len(info) - 210]
    assert camt056.read(wire.document).info == info


def _resolution(conf: str, tx: dict) -> dict:
    """A camt.029.001.14 as another rail may send it: the case status, and the transaction as given."""
    agent = {"Agt": {"FinInstnId": {"BICFI": "SGRLCNSHXXX"}}}
    assignment = {"Id": "A9", "Assgnr": agent, "Assgne": agent, "CreDtTm": "2026-11-28T09:30:00Z"}
    return {"RsltnOfInvstgtn": {"Assgnmt": assignment, "Sts": {"Conf": conf}, "CxlDtls": [{"TxInfAndSts": [tx]}]}}


def test_camt029_status_comes_from_the_transaction_or_else_the_case_confirmation():
    accepted = _wire(_resolution("CNCL", {"CxlStsId": "RTR1", "OrgnlUETR": UETR}), camt029.MSG_DEF)
    outcome = camt029.read(accepted.document, requested_reason="DUPL")
    assert (outcome.status, outcome.return_id, outcome.case_id) == ("ACCR", "RTR1", "A9")
    rejected = _resolution("CNCL", {"OrgnlUETR": UETR, "TxCxlSts": "RJCR", "CxlStsRsnInf": [{"Rsn": {"Cd": "LEGL"}}]})
    outcome = camt029.read(_wire(rejected, camt029.MSG_DEF).document, requested_reason="DUPL")
    assert (outcome.status, outcome.rejection_reason, outcome.return_id) == ("RJCR", "LEGL", None)
    with pytest.raises(InvalidMessage, match="answers no cancellation"):
        camt029.read(_wire(_resolution("MODI", {"OrgnlUETR": UETR}), camt029.MSG_DEF).document, requested_reason="")
    with pytest.raises(InvalidMessage, match="OrgnlUETR"):
        camt029.read(_wire(_resolution("CNCL", {"CxlStsId": "X"}), camt029.MSG_DEF).document, requested_reason="")


def test_a_recall_the_official_xsd_refuses_is_never_sent():
    request = camt056.RecallRequest(
        case_id="C" * 36, assigner_bic="SLKGCNQDXXX", assignee_bic="SGRLCNSHXXX", created=NOW, uetr=UETR, reason="FRAD"
    )
    with pytest.raises(official.SchemaViolation, match="would break its official XSD at FIToFIPmtCxlReq/Assgnmt/Id"):
        render_message(
            camt056.build(request),
            msg_def=camt056.MSG_DEF,
            sender_bic="SLKGCNQDXXX",
            receiver_bic="SGRLCNSHXXX",
            biz_msg_id="M1",
            created=NOW,
        )


def test_camt053_round_trips():
    day = dt.date(2026, 11, 18)
    entry = StatementEntry(
        reference="6513270e-D",
        amount=Decimal("6100280.90"),
        currency="KZT",
        credit=False,
        status="BOOK",
        booking_date=day,
        value_date=day,
        uetr=UETR,
        end_to_end_id="E1",
        remittance="cars",
        family="XBCT",
    )
    stmt = StatementRecord(
        statement_id="S1",
        account="KZ86125KZT5004100100",
        currency="KZT",
        date=day,
        opening_balance=Decimal("350000000.00"),
        closing_balance=Decimal("343899719.10"),
        entries=(entry,),
    )
    assert camt053.read(_wire(camt053.build(stmt, msg_id="S", created=NOW), camt053.MSG_DEF).document) == stmt


def test_message_of_another_kind_than_expected_is_refused():
    data = render_message(
        pacs028.build([UETR], msg_id="Q", created=NOW),
        msg_def=pacs028.MSG_DEF,
        sender_bic="SLKGCNQDXXX",
        receiver_bic="SGRLCNSHXXX",
        biz_msg_id="Q",
        created=NOW,
    )
    with pytest.raises(InvalidMessage, match=r"expected pacs\.002"):
        parse_message(data, expect=pacs002.MSG_DEF)
    with pytest.raises(InvalidMessage, match="Document namespace"):
        parse_message(data.replace(b'xsd:pacs.028.001.03"', b'xsd:pacs.028.001.02"'))


def test_facets_catch_pattern_length_digits_and_choice():
    ct = transfer(uetr=UETR)
    doc = pacs008.build(ct)
    tx = doc.fito_ficstmr_cdt_trf.cdt_trf_tx_inf[0]
    tx.pmt_id.uetr = UETR.upper()
    with pytest.raises(FacetViolation, match="UETR"):
        check_facets(doc)
    tx.pmt_id.uetr = UETR
    tx.intr_bk_sttlm_amt.value = Decimal("1.123456")
    with pytest.raises(FacetViolation, match="fraction digits"):
        check_facets(doc)
    tx.intr_bk_sttlm_amt.value = Decimal("1.00")
    tx.dbtr_acct.id.iban = "KZ86125KZT5004100100"  # now both IBAN and Othr: a choice allows one
    with pytest.raises(FacetViolation, match="exactly one choice"):
        check_facets(doc)
