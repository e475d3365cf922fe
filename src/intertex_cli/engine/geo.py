"""French départements, their 2016 regions and their former (pre-2016) regions.

Facts of French administration, not of the guide: every scheme criterion on a
location refers to these slugs (``region``, ``former_region``, ``department``).
Kept as plain Python literals so that importing it costs nothing.
"""

from __future__ import annotations

# former region -> 2016 region
FORMER_TO_REGION: dict[str, str] = {
    "alsace": "grand-est",
    "champagne-ardenne": "grand-est",
    "lorraine": "grand-est",
    "aquitaine": "nouvelle-aquitaine",
    "limousin": "nouvelle-aquitaine",
    "poitou-charentes": "nouvelle-aquitaine",
    "auvergne": "auvergne-rhone-alpes",
    "rhone-alpes": "auvergne-rhone-alpes",
    "basse-normandie": "normandie",
    "haute-normandie": "normandie",
    "bourgogne": "bourgogne-franche-comte",
    "franche-comte": "bourgogne-franche-comte",
    "languedoc-roussillon": "occitanie",
    "midi-pyrenees": "occitanie",
    "nord-pas-de-calais": "hauts-de-france",
    "picardie": "hauts-de-france",
    "centre": "centre-val-de-loire",
    "bretagne": "bretagne",
    "corse": "corse",
    "ile-de-france": "ile-de-france",
    "pays-de-la-loire": "pays-de-la-loire",
    "provence-alpes-cote-d-azur": "provence-alpes-cote-d-azur",
    "guadeloupe": "guadeloupe",
    "martinique": "martinique",
    "guyane": "guyane",
    "la-reunion": "la-reunion",
    "mayotte": "mayotte",
}

# département code -> (name, former region)
DEPARTMENTS: dict[str, tuple[str, str]] = {
    "01": ("Ain", "rhone-alpes"),
    "02": ("Aisne", "picardie"),
    "03": ("Allier", "auvergne"),
    "04": ("Alpes-de-Haute-Provence", "provence-alpes-cote-d-azur"),
    "05": ("Hautes-Alpes", "provence-alpes-cote-d-azur"),
    "06": ("Alpes-Maritimes", "provence-alpes-cote-d-azur"),
    "07": ("Ardèche", "rhone-alpes"),
    "08": ("Ardennes", "champagne-ardenne"),
    "09": ("Ariège", "midi-pyrenees"),
    "10": ("Aube", "champagne-ardenne"),
    "11": ("Aude", "languedoc-roussillon"),
    "12": ("Aveyron", "midi-pyrenees"),
    "13": ("Bouches-du-Rhône", "provence-alpes-cote-d-azur"),
    "14": ("Calvados", "basse-normandie"),
    "15": ("Cantal", "auvergne"),
    "16": ("Charente", "poitou-charentes"),
    "17": ("Charente-Maritime", "poitou-charentes"),
    "18": ("Cher", "centre"),
    "19": ("Corrèze", "limousin"),
    "2A": ("Corse-du-Sud", "corse"),
    "2B": ("Haute-Corse", "corse"),
    "21": ("Côte-d'Or", "bourgogne"),
    "22": ("Côtes-d'Armor", "bretagne"),
    "23": ("Creuse", "limousin"),
    "24": ("Dordogne", "aquitaine"),
    "25": ("Doubs", "franche-comte"),
    "26": ("Drôme", "rhone-alpes"),
    "27": ("Eure", "haute-normandie"),
    "28": ("Eure-et-Loir", "centre"),
    "29": ("Finistère", "bretagne"),
    "30": ("Gard", "languedoc-roussillon"),
    "31": ("Haute-Garonne", "midi-pyrenees"),
    "32": ("Gers", "midi-pyrenees"),
    "33": ("Gironde", "aquitaine"),
    "34": ("Hérault", "languedoc-roussillon"),
    "35": ("Ille-et-Vilaine", "bretagne"),
    "36": ("Indre", "centre"),
    "37": ("Indre-et-Loire", "centre"),
    "38": ("Isère", "rhone-alpes"),
    "39": ("Jura", "franche-comte"),
    "40": ("Landes", "aquitaine"),
    "41": ("Loir-et-Cher", "centre"),
    "42": ("Loire", "rhone-alpes"),
    "43": ("Haute-Loire", "auvergne"),
    "44": ("Loire-Atlantique", "pays-de-la-loire"),
    "45": ("Loiret", "centre"),
    "46": ("Lot", "midi-pyrenees"),
    "47": ("Lot-et-Garonne", "aquitaine"),
    "48": ("Lozère", "languedoc-roussillon"),
    "49": ("Maine-et-Loire", "pays-de-la-loire"),
    "50": ("Manche", "basse-normandie"),
    "51": ("Marne", "champagne-ardenne"),
    "52": ("Haute-Marne", "champagne-ardenne"),
    "53": ("Mayenne", "pays-de-la-loire"),
    "54": ("Meurthe-et-Moselle", "lorraine"),
    "55": ("Meuse", "lorraine"),
    "56": ("Morbihan", "bretagne"),
    "57": ("Moselle", "lorraine"),
    "58": ("Nièvre", "bourgogne"),
    "59": ("Nord", "nord-pas-de-calais"),
    "60": ("Oise", "picardie"),
    "61": ("Orne", "basse-normandie"),
    "62": ("Pas-de-Calais", "nord-pas-de-calais"),
    "63": ("Puy-de-Dôme", "auvergne"),
    "64": ("Pyrénées-Atlantiques", "aquitaine"),
    "65": ("Hautes-Pyrénées", "midi-pyrenees"),
    "66": ("Pyrénées-Orientales", "languedoc-roussillon"),
    "67": ("Bas-Rhin", "alsace"),
    "68": ("Haut-Rhin", "alsace"),
    "69": ("Rhône", "rhone-alpes"),
    "70": ("Haute-Saône", "franche-comte"),
    "71": ("Saône-et-Loire", "bourgogne"),
    "72": ("Sarthe", "pays-de-la-loire"),
    "73": ("Savoie", "rhone-alpes"),
    "74": ("Haute-Savoie", "rhone-alpes"),
    "75": ("Paris", "ile-de-france"),
    "76": ("Seine-Maritime", "haute-normandie"),
    "77": ("Seine-et-Marne", "ile-de-france"),
    "78": ("Yvelines", "ile-de-france"),
    "79": ("Deux-Sèvres", "poitou-charentes"),
    "80": ("Somme", "picardie"),
    "81": ("Tarn", "midi-pyrenees"),
    "82": ("Tarn-et-Garonne", "midi-pyrenees"),
    "83": ("Var", "provence-alpes-cote-d-azur"),
    "84": ("Vaucluse", "provence-alpes-cote-d-azur"),
    "85": ("Vendée", "pays-de-la-loire"),
    "86": ("Vienne", "poitou-charentes"),
    "87": ("Haute-Vienne", "limousin"),
    "88": ("Vosges", "lorraine"),
    "89": ("Yonne", "bourgogne"),
    "90": ("Territoire de Belfort", "franche-comte"),
    "91": ("Essonne", "ile-de-france"),
    "92": ("Hauts-de-Seine", "ile-de-france"),
    "93": ("Seine-Saint-Denis", "ile-de-france"),
    "94": ("Val-de-Marne", "ile-de-france"),
    "95": ("Val-d'Oise", "ile-de-france"),
    "971": ("Guadeloupe", "guadeloupe"),
    "972": ("Martinique", "martinique"),
    "973": ("Guyane", "guyane"),
    "974": ("La Réunion", "la-reunion"),
    "976": ("Mayotte", "mayotte"),
}

REGIONS: tuple[str, ...] = tuple(sorted(set(FORMER_TO_REGION.values())))
FORMER_REGIONS: tuple[str, ...] = tuple(sorted(FORMER_TO_REGION))

# Scheme coverage: a scheme is for one of the guide's two regions or for all of France.
SCHEME_REGIONS: tuple[str, ...] = ("occitanie", "nouvelle-aquitaine", "national")


def normalize_department(value: object) -> str | None:
    """Return the canonical code ("09", "2A", "971") or None if it is no département."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code if code in DEPARTMENTS else None


def region_of(department: str) -> str:
    return FORMER_TO_REGION[DEPARTMENTS[department][1]]


def former_region_of(department: str) -> str:
    return DEPARTMENTS[department][1]


def former_regions_in(region: str) -> frozenset[str]:
    return frozenset(f for f, r in FORMER_TO_REGION.items() if r == region)


NAMES: dict[str, str] = {
    "auvergne-rhone-alpes": "Auvergne-Rhône-Alpes",
    "bourgogne-franche-comte": "Bourgogne-Franche-Comté",
    "bretagne": "Bretagne",
    "centre-val-de-loire": "Centre-Val de Loire",
    "corse": "Corse",
    "grand-est": "Grand Est",
    "hauts-de-france": "Hauts-de-France",
    "ile-de-france": "Île-de-France",
    "normandie": "Normandie",
    "nouvelle-aquitaine": "Nouvelle-Aquitaine",
    "occitanie": "Occitanie",
    "pays-de-la-loire": "Pays de la Loire",
    "provence-alpes-cote-d-azur": "Provence-Alpes-Côte d'Azur",
    "guadeloupe": "Guadeloupe",
    "martinique": "Martinique",
    "guyane": "Guyane",
    "la-reunion": "La Réunion",
    "mayotte": "Mayotte",
    "alsace": "Alsace",
    "champagne-ardenne": "Champagne-Ardenne",
    "lorraine": "Lorraine",
    "aquitaine": "Aquitaine",
    "limousin": "Limousin",
    "poitou-charentes": "Poitou-Charentes",
    "auvergne": "Auvergne",
    "rhone-alpes": "Rhône-Alpes",
    "basse-normandie": "Basse-Normandie",
    "haute-normandie": "Haute-Normandie",
    "bourgogne": "Bourgogne",
    "franche-comte": "Franche-Comté",
    "languedoc-roussillon": "Languedoc-Roussillon",
    "midi-pyrenees": "Midi-Pyrénées",
    "nord-pas-de-calais": "Nord-Pas-de-Calais",
    "picardie": "Picardie",
    "centre": "Centre",
}
