"""pacs.008.001.08 FIToFICustomerCreditTransfer: one credit transfer per message on this rail."""

from __future__ import annotations

from typing import Any

from pyiso20022.pacs.pacs_008_001_08 import pacs_008_001_08 as p8
from xsdata.models.datatype import XmlDate

from adapters.payments.messages.envelope import InvalidMessage, xml_datetime
from adapters.payments.messages.parties import party_identification, party_name_and_address
from adapters.payments.model import CreditTransfer, Party

__all__ = ["MSG_DEF", "build", "read"]

MSG_DEF = "pacs.008.001.08"


def _agent(bic: str) -> Any:
    return p8.BranchAndFinancialInstitutionIdentification6(
        fin_instn_id=p8.FinancialInstitutionIdentification18(bicfi=bic)
    )


def _party(party: Party) -> Any:
    return party_identification(p8, party)


def _account(number: str, currency: str | None = None) -> Any:
    ident = (
        p8.AccountIdentification4Choice(iban=number)
        if number[:2].isalpha()
        else p8.AccountIdentification4Choice(othr=p8.GenericAccountIdentification1(id=number))
    )
    return p8.CashAccount38(id=ident, ccy=currency)


def build(ct: CreditTransfer) -> Any:
    amount = p8.ActiveCurrencyAndAmount(value=ct.amount, ccy=ct.currency)
    tx = p8.CreditTransferTransaction39(
        pmt_id=p8.PaymentIdentification7(
            instr_id=ct.instruction_id, end_to_end_id=ct.end_to_end_id, tx_id=ct.instruction_id, uetr=ct.uetr
        ),
        intr_bk_sttlm_amt=amount,
        intr_bk_sttlm_dt=XmlDate.from_date(ct.settlement_date),
        chrg_br=p8.ChargeBearerType1Code(ct.charge_bearer),
        dbtr=_party(ct.debtor),
        dbtr_acct=_account(ct.debtor.account),
        dbtr_agt=_agent(ct.debtor.agent_bic),
        cdtr_agt=_agent(ct.creditor.agent_bic),
        cdtr=_party(ct.creditor),
        cdtr_acct=_account(ct.creditor.account),
        rmt_inf=p8.RemittanceInformation16(ustrd=[ct.remittance[:140]]) if ct.remittance else None,
    )
    return p8.Document(
        fito_ficstmr_cdt_trf=p8.FitoFicustomerCreditTransferV08(
            grp_hdr=p8.GroupHeader93(
                msg_id=ct.msg_id,
                cre_dt_tm=xml_datetime(ct.created),
                nb_of_txs="1",
                sttlm_inf=p8.SettlementInstruction7(
                    sttlm_mtd=p8.SettlementMethod1Code.CLRG,
                    clr_sys=p8.ClearingSystemIdentification3Choice(prtry="SILKRAIL"),
                ),
                instg_agt=_agent(ct.instructing_bic),
                instd_agt=_agent(ct.instructed_bic),
            ),
            cdt_trf_tx_inf=[tx],
        )
    )


def read_party(pty: Any, account: Any, agent: Any, role: str) -> Party:
    """A debtor or creditor from its pacs party, account and agent elements (shared with pacs.002)."""
    if pty is None or agent is None or agent.fin_instn_id.bicfi is None:
        raise InvalidMessage(f"{role}: party and agent BIC are required on this rail")
    tax_ids = [o.id for o in (pty.id.org_id.othr if pty.id and pty.id.org_id else [])]
    if not tax_ids or not pty.ctry_of_res:
        raise InvalidMessage(f"{role}: Id/OrgId/Othr/Id (tax id, scheme TXID) and CtryOfRes are required")
    if account is None:
        raise InvalidMessage(f"{role}Acct is required on this rail")
    number = account.id.iban or account.id.othr.id
    return Party(
        country=str(pty.ctry_of_res),
        tax_id=str(tax_ids[0]),
        account=str(number),
        agent_bic=str(agent.fin_instn_id.bicfi),
        **party_name_and_address(pty),
    )


def read(document: Any) -> CreditTransfer:
    """The credit transfer in a validated pacs.008, or :class:`InvalidMessage` for what this rail refuses."""
    msg = document.fito_ficstmr_cdt_trf
    hdr = msg.grp_hdr
    if hdr.nb_of_txs != "1" or len(msg.cdt_trf_tx_inf) != 1:
        raise InvalidMessage("this rail takes exactly one transaction per pacs.008 (NbOfTxs = 1)")
    tx = msg.cdt_trf_tx_inf[0]
    if not tx.pmt_id.uetr:
        raise InvalidMessage("PmtId/UETR is mandatory on this rail")
    if hdr.instg_agt is None or hdr.instd_agt is None:
        raise InvalidMessage("GrpHdr/InstgAgt and GrpHdr/InstdAgt are mandatory on this rail")
    settlement = tx.intr_bk_sttlm_dt or hdr.intr_bk_sttlm_dt
    if settlement is None:
        raise InvalidMessage("IntrBkSttlmDt is mandatory on this rail")
    return CreditTransfer(
        msg_id=str(hdr.msg_id),
        created=hdr.cre_dt_tm.to_datetime(),
        instructing_bic=str(hdr.instg_agt.fin_instn_id.bicfi),
        instructed_bic=str(hdr.instd_agt.fin_instn_id.bicfi),
        uetr=str(tx.pmt_id.uetr),
        end_to_end_id=str(tx.pmt_id.end_to_end_id),
        instruction_id=str(tx.pmt_id.instr_id or tx.pmt_id.end_to_end_id),
        amount=tx.intr_bk_sttlm_amt.value,
        currency=str(tx.intr_bk_sttlm_amt.ccy),
        charge_bearer=tx.chrg_br.value,
        settlement_date=settlement.to_date(),
        debtor=read_party(tx.dbtr, tx.dbtr_acct, tx.dbtr_agt, "Dbtr"),
        creditor=read_party(tx.cdtr, tx.cdtr_acct, tx.cdtr_agt, "Cdtr"),
        remittance=" ".join(tx.rmt_inf.ustrd) if tx.rmt_inf and tx.rmt_inf.ustrd else None,
    )
