"""The code lists of the Chinese export declaration (出口货物报关单) the customs service accepts.

Small reference tables, each naming where its values come from; docs/customs-wco.md maps the declaration's
fields to the WCO Data Model. Values marked *unverified* follow the GACC tables as the project understands
them but could not be checked against a published copy; replace them from the official tables before relying
on them.
"""

from __future__ import annotations

import dataclasses

__all__ = [
    "EXEMPTIONS",
    "INCOTERMS",
    "LEVY_NATURES",
    "LICENCES",
    "OFFICES",
    "TRADE_MODES",
    "TRANSACTION_TERMS",
    "TRANSPORT_MODES",
    "UNITS",
    "Office",
    "transaction_terms_of",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Office:
    code: str  # 4 digits: the direct customs (2) + the subordinate customs (2), GACC 关区代码表
    name: str
    name_local: str
    source: str


_TABLE = "GACC 关区代码表 as published by 365area.com/customs"
_UNVERIFIED = "unverified: the 94 (Urumqi) district prefix is GACC's; the subordinate code is not checked"

#: customs offices (申报地海关 / 出境关别) the story and the demo use
OFFICES: dict[str, Office] = {
    o.code: o
    for o in (
        Office(
            code="0101",
            name="Beijing Capital Airport Customs, cargo",
            name_local="机场货管",
            source="GACC 关区代码表 as reproduced in 报关常用代码 (360docs.net)",
        ),
        Office(code="2200", name="Shanghai Customs", name_local="上海海关", source=_TABLE),
        Office(
            code="2233",
            name="Shanghai Pudong Airport Customs",
            name_local="浦东机场海关",
            source="Shanghai customs office list in public customs software (2233 浦东机场海关)",
        ),
        Office(code="4200", name="Qingdao Customs", name_local="青岛海关", source=_TABLE),
        Office(
            code="4201",
            name="Qingdao Airport Customs",
            name_local="青岛机场海关",
            source="unverified: the 42 (Qingdao) district prefix is GACC's; the subordinate code is not checked",
        ),
        Office(code="4240", name="Qingdao Customs Express Centre", name_local="青岛海关快件监管中心", source=_TABLE),
        Office(
            code="5141",
            name="Guangzhou Baiyun Airport Customs",
            name_local="广州白云机场海关",
            source="unverified: used for 广州白云机场海关 in public declaration software samples",
        ),
        Office(code="9400", name="Urumqi Customs", name_local="乌鲁木齐海关", source=_UNVERIFIED),
        Office(code="9401", name="Urumqi Airport Customs", name_local="乌鲁木齐机场海关", source=_UNVERIFIED),
        Office(code="9403", name="Horgos Customs", name_local="霍尔果斯海关", source=_UNVERIFIED),
    )
}

#: trade modes (监管方式), GACC 监管方式代码表; EU procedure codes (1000, 4000) are not Chinese codes
TRADE_MODES: dict[str, str] = {
    "0110": "General trade (一般贸易)",
    "0130": "Barter trade (易货贸易)",
    "1039": "Market procurement (市场采购)",
    "4019": "Border small-amount trade (边境小额)",
    "9610": "Cross-border e-commerce, retail (跨境贸易电子商务)",
    "9710": "Cross-border e-commerce, B2B direct export (跨境电商B2B直接出口)",
    "9810": "Cross-border e-commerce, export to overseas warehouses (跨境电商出口海外仓)",
}

#: transport modes (运输方式代码), GACC; the codes a customs office at a port actually sees (unverified beyond 2-6)
TRANSPORT_MODES: dict[str, str] = {
    "2": "Waterway (水路运输)",
    "3": "Rail (铁路运输)",
    "4": "Road (公路运输)",
    "5": "Air (航空运输)",
    "6": "Post (邮件运输)",
    "9": "Other (其他运输)",
}

#: transaction terms (成交方式代码), GACC 1-7
TRANSACTION_TERMS: dict[str, str] = {
    "1": "CIF",
    "2": "C&F",
    "3": "FOB",
    "4": "C&I",
    "5": "Market price (市场价)",
    "6": "Goods on consignment (垫仓)",
    "7": "EXW",
}

#: Incoterms 2020 rule -> transaction-terms code: the declaration records who pays freight and insurance to the
#: border, so every rule folds into the closest of CIF / C&F / FOB / EXW (报关单填制规范, 成交方式)
INCOTERMS: dict[str, str] = {
    "EXW": "7",
    "FCA": "3",
    "FAS": "3",
    "FOB": "3",
    "CFR": "2",
    "CPT": "2",
    "CIF": "1",
    "CIP": "1",
    "DAP": "1",
    "DPU": "1",
    "DDP": "1",
}

#: units of measure (计量单位代码), GACC; the declared unit and the legal units (法定计量单位) use this table
UNITS: dict[str, str] = {
    "001": "台 (set, machine)",
    "003": "辆 (vehicle)",
    "007": "个 (piece)",
    "011": "件 (item)",
    "035": "千克 (kg)",
    "070": "吨 (tonne)",
}

#: nature of levy or exemption of the whole declaration (征免性质)
LEVY_NATURES: dict[str, str] = {
    "101": "General taxation (一般征税)",
    "299": "Other statutory (其他法定)",
}

#: duty treatment of a goods item (征免方式)
EXEMPTIONS: dict[str, str] = {
    "1": "Duty as per tariff (照章征税)",
    "3": "Fully exempt (全免)",
}

#: supporting documents (随附单证 / 监管证件代码) the sandbox knows
LICENCES: dict[str, str] = {
    "4": "Export licence (出口许可证)",
}


def transaction_terms_of(incoterm: str) -> str:
    """The transaction-terms code of an Incoterms rule (``"DAP Khorgos"`` counts as DAP); ``KeyError`` if none."""
    return INCOTERMS[incoterm.split(maxsplit=1)[0].upper()]
