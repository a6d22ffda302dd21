"""Companies of the story: the traders, their partner agencies (tenants) and the domestic suppliers."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class Company:
    country: str  # ISO 3166 alpha-2
    tax_id: str
    name: str
    name_local: str
    city: str
    address: str
    registered_on: str  # ISO date
    status: str  # ACTIVE | SUSPENDED | DEREGISTERED
    vat_payer: str  # GENERAL | SMALL_SCALE | NOT_REGISTERED
    agencies: tuple[str, ...]  # partner agencies allowed to see this company


AGENCIES: dict[str, str] = {
    "qingdao-broker": "Qingdao Customs Brokerage Service (partner agency, CN)",
    "kz-trade-agency": "Kazakhstan Trade Facilitation Agency (partner agency, KZ)",
    "ru-export-center": "Russian Export Support Center (partner agency, RU)",
}


HAIXIN = ("CN", "91370281MA3C5R7B0C")
HORGOS = ("CN", "91650000MA77X8TQ31")
PUDONG = ("CN", "91310115MA1K3Y4A90")
ALMATY_AUTO = ("KZ", "191240005671")
ASTANA_GRAIN = ("KZ", "240540001232")
VOLGA = ("RU", "7707083893")
MINSK = ("BY", "200988541")
MUMBAI = ("IN", "27AAPFU0939F1ZV")


COMPANIES: tuple[Company, ...] = (
    Company(
        country="CN",
        tax_id=HAIXIN[1],
        name="Qingdao Haixin Trading Co., Ltd.",
        name_local="青岛海信贸易有限公司",
        city="Qingdao",
        address="88 Haier Road, Laoshan District, Qingdao, Shandong",
        registered_on="2019-03-12",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker",),
    ),
    Company(
        country="CN",
        tax_id=HORGOS[1],
        name="Xinjiang Horgos Border Trade Co., Ltd.",
        name_local="新疆霍尔果斯边境贸易有限公司",
        city="Horgos",
        address="12 Kazakhstan Street, Horgos, Ili, Xinjiang",
        registered_on="2016-08-01",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker", "kz-trade-agency"),
    ),
    Company(
        country="CN",
        tax_id=PUDONG[1],
        name="Shanghai Pudong Machinery Export Co., Ltd.",
        name_local="上海浦东机械出口有限公司",
        city="Shanghai",
        address="501 Zhangjiang Road, Pudong New Area, Shanghai",
        registered_on="2018-05-20",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker", "ru-export-center"),
    ),
    Company(
        country="KZ",
        tax_id=ALMATY_AUTO[1],
        name="Almaty Auto Import LLP",
        name_local="ТОО «Алматы Авто Импорт»",
        city="Almaty",
        address="150 Abay Avenue, Almaty",
        registered_on="2019-12-04",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("kz-trade-agency",),
    ),
    Company(
        country="KZ",
        tax_id=ASTANA_GRAIN[1],
        name="Astana Grain Trading LLP",
        name_local="ТОО «Астана Грейн Трейдинг»",
        city="Astana",
        address="7 Kabanbay Batyr Avenue, Astana",
        registered_on="2024-05-15",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("kz-trade-agency",),
    ),
    Company(
        country="RU",
        tax_id=VOLGA[1],
        name="Volga Agro Import LLC",
        name_local="ООО «Волга Агро Импорт»",
        city="Moscow",
        address="19 Vavilova Street, Moscow",
        registered_on="2002-08-16",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("ru-export-center",),
    ),
    Company(
        country="BY",
        tax_id=MINSK[1],
        name="Minsk Tractor Parts JSC",
        name_local="ОАО «Минские тракторные запчасти»",
        city="Minsk",
        address="29 Dolginovsky Tract, Minsk",
        registered_on="2008-02-27",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("ru-export-center",),
    ),
    Company(
        country="IN",
        tax_id=MUMBAI[1],
        name="Mumbai Pulses Export Pvt. Ltd.",
        name_local="Mumbai Pulses Export Pvt. Ltd.",
        city="Mumbai",
        address="Plot 4, MIDC Andheri East, Mumbai, Maharashtra",
        registered_on="2017-07-01",
        status="SUSPENDED",
        vat_payer="GENERAL",
        agencies=(),
    ),
)


def company(key: tuple[str, str]) -> Company:
    """The story's company with this (country, tax id)."""
    for c in COMPANIES:
        if (c.country, c.tax_id) == key:
            return c
    raise KeyError(key)


#: Domestic suppliers: known to the tax system (they issue the purchase VAT invoices export rebates rest on),
#: trading with no one abroad.
QINGDAO_AUTO = ("CN", "91370211MA7QDA5X2N")
CHANGZHOU_PARTS = ("CN", "91320412MA1XK2C84F")

SUPPLIERS: tuple[Company, ...] = (
    Company(
        country="CN",
        tax_id=QINGDAO_AUTO[1],
        name="Qingdao West Coast Used Car Market Co., Ltd.",
        name_local="青岛西海岸二手车交易市场有限公司",
        city="Qingdao",
        address="66 Changjiang Road, Huangdao District, Qingdao, Shandong",
        registered_on="2018-05-20",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker",),
    ),
    Company(
        country="CN",
        tax_id=CHANGZHOU_PARTS[1],
        name="Changzhou Harvester & Tractor Parts Co., Ltd.",
        name_local="常州收获机拖拉机零部件有限公司",
        city="Changzhou",
        address="9 Huanghe Road, Xinbei District, Changzhou, Jiangsu",
        registered_on="2015-11-03",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=(),
    ),
)
