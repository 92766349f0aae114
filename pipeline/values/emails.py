"""E-mail addresses: a domain one letter from a major provider's is that provider's.

Tesseract misreads a domain a letter at a time («gmalil.com», «sgmail.com», «gmall.com»), and a
validator that only asks whether the suffix exists lets those through: «gmalil.com» is a
well-formed domain. Most citizens write a handful of providers (``config/email_providers.yaml``),
so a domain one edit from exactly one of them is mended to it — with lowered confidence, as a
mended vocabulary entry is (``pipeline.fields``) — and any other domain that is no provider's
and no organisation's own (a suffix of the Public Suffix List with a name before it, no digit in
the name) is a doubt: the value goes to review rather than out as read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from rapidfuzz.distance import Levenshtein

from pipeline.text import fold
from pipeline.values.kinds import NO_CONTEXT, ValueContext, ValueKind
from pipeline.values.normalize import Value, email_in

PROVIDERS_FILE = "email_providers.yaml"
# A domain name part OCR made up rather than read: digits mixed into letters («gmai1»), or
# a doubled dot / hyphen at an edge.
_DOUBTFUL_NAME = re.compile(r"\d|^-|-$|--")


@cache
def providers() -> tuple[str, ...]:
    """The major providers' domains (``config/email_providers.yaml``)."""
    data = yaml.safe_load((resources.files("config") / PROVIDERS_FILE).read_text("utf-8"))
    return tuple(str(domain).lower() for domain in data["providers"])


def nearest_provider(domain: str) -> str | None:
    """The one provider within one edit of ``domain`` (None: none, or two equally near)."""
    near = [p for p in providers() if Levenshtein.distance(domain, p, score_cutoff=1) <= 1]
    return near[0] if len(near) == 1 else None


def mend_domain(address: str) -> str:
    """The address with its domain mended to the provider it is one edit from, or its
    «.vn» suffix's lost dot put back (``_VN_SECOND_LEVEL``)."""
    local, _, domain = address.rpartition("@")
    if not local or domain in providers():
        return address
    provider = nearest_provider(domain)
    return f"{local}@{provider}" if provider else f"{local}@{_vn_dot_restored(domain)}"


# The second-level suffixes of «.vn» organisations' domains are written under (VNNIC:
# gov.vn, com.vn, edu.vn, org.vn, net.vn …). A last part that is one of them with its dot
# lost («hatinh.govvn»: a thin dot at mild, a narrow_tab receipt at forms tuning seed 17,
# its e-mail refused as no valid address) can stand for nothing else: no top-level domain
# ends in «vn» but «.vn» itself.
_VN_SECOND_LEVEL = ("gov", "com", "edu", "org", "net", "ac", "int", "health", "info", "biz")


def _vn_dot_restored(domain: str) -> str:
    """«hatinh.govvn» → «hatinh.gov.vn»; any other domain as it is."""
    head, dot, last = domain.rpartition(".")
    if dot and last[:-2] in _VN_SECOND_LEVEL and last.endswith("vn") and head:
        return f"{head}.{last[:-2]}.vn"
    return domain


def more_common_neighbour(domain: str) -> str | None:
    """The provider listed before ``domain`` (the list runs from the most used) one edit from
    it, if any: «ymail.com» and «mail.com» are one letter from «gmail.com», and a thin face's
    «g» read «y», or lost, makes the one of the other as surely as any misread letter."""
    listed = providers()
    if domain not in listed:
        return None
    earlier = listed[:listed.index(domain)]
    return next((p for p in earlier
                 if Levenshtein.distance(domain, p, score_cutoff=1) <= 1), None)


def domain_doubt(address: str) -> str | None:
    """Why a domain may be misread (None: it looks right): a provider's one letter from a
    more used provider's («ymail.com», «gmail.com»: see ``more_common_neighbour``), two
    letters from a provider's («gnnail.com»), or a name with digits or stray hyphens."""
    domain = address.rpartition("@")[2]
    neighbour = more_common_neighbour(domain)
    if neighbour is not None:
        return f"has a domain «{domain}» one letter from «{neighbour}»"
    if domain in providers():
        return None
    name = domain.split(".")[0]
    near = any(Levenshtein.distance(domain, p, score_cutoff=2) <= 2 for p in providers())
    # Every part before the suffix, not the first alone: «toantq755@hatinh.96v.vn» («gov»
    # read «96v»: a hard tab_leader receipt at tuning seed 179, digitized) was given so.
    parts = domain.split(".")[:-1]
    if near or any(_DOUBTFUL_NAME.search(part) for part in parts) or len(name) < 2:
        return f"has a domain «{domain}» that looks a misreading"
    return None


# In the name before «@», digits stand in runs (a year «96», «1996», a birthday): one digit,
# or three, right after a letter Tesseract reads for a digit («o» for 9 or 0, «l», «i» for 1,
# «s» for 5, «z» for 2) is most likely such a run with its first digit misread
# («cuongtruongo6» for «…96», a tuning receipt).
_LOOKALIKE_RUN = re.compile(r"(?<=[a-z])[oilsz](?:\d|\d{3})(?!\d)")


def local_doubt(address: str) -> str | None:
    """Why the name before «@» may hold a misread digit (``_LOOKALIKE_RUN``); None if not."""
    found = _LOOKALIKE_RUN.search(address.rpartition("@")[0].lower())
    if found:
        return f"has «{found.group()}» in its name: a digit read as a letter?"
    return None


# A footnote marker a label carries, read as the value's first word («(2)», «2):»).
_FOOTNOTE = re.compile(r"\(?\d{1,2}\)[:.]?|\d{1,2}[:.]")


def pieces_doubt(read: str) -> str | None:
    """Why the address may be a piece of what was printed (None: it is all of it): words
    of letters or digits read beside it, where OCR read a dot as a space («nam ho@hatinh.gov
    vn» for «nam.ho@hatinh.gov.vn», given as «ho@hatinh.gov» on a mild tuning receipt at
    seed 41). Which pieces belong to it cannot be told."""
    text, found = email_in(read)
    if found is None:
        return None
    folded = fold(text)
    before = [w for w in folded[:found.start()].split() if not _FOOTNOTE.fullmatch(w)]
    beside = [w for w in before + folded[found.end():].split() if any(c.isalnum() for c in w)]
    if beside:
        return f"was read with words beside it («{' '.join(beside)}»): a piece of the address?"
    return None


def name_forms(name: str) -> frozenset[str]:
    """The letters of the names people make their e-mail's from their own (without accents,
    dots, digits): given name and family name either way round («kienhuynh», «huynhkien»),
    and the given name with the other words' initials either side («dungntq», «ntqdung» for
    «Nguyễn Trọng Quốc Dũng»)."""
    words = [w for w in re.sub(r"[^a-z ]", "", fold(name)).split() if w]
    if len(words) < 2:
        return frozenset()
    given, family = words[-1], words[0]
    initials = "".join(w[0] for w in words[:-1])
    return frozenset({given + family, family + given, given + initials, initials + given})


def _name_letters(address: str, name: str) -> tuple[list[int], str, frozenset[str]] | None:
    """The places of the letters of the address's name (before «@»), those letters in small
    case, and the forms of ``name`` (``name_forms``); None when there is no «@» or the
    letters already are one of the forms."""
    local, at, _ = address.partition("@")
    places = [i for i, c in enumerate(local) if c.isalpha()]
    letters = "".join(local[i].lower() for i in places)
    forms = name_forms(name)
    return None if not at or letters in forms else (places, letters, forms)


def _one_read_otherwise(form: str, letters: str) -> bool:
    """Whether ``letters`` are ``form`` with exactly one letter read as another."""
    return len(form) == len(letters) and sum(
        a != b for a, b in zip(form, letters, strict=True)) == 1


def _one_too_many(form: str, letters: str) -> bool:
    """Whether ``letters`` are ``form`` with one letter more read into it."""
    return len(letters) == len(form) + 1 and any(
        letters[:i] + letters[i + 1:] == form for i in range(len(letters)))


def _one_lost_inside(form: str, letters: str) -> bool:
    """Whether ``letters`` are ``form`` with one letter lost, not its last: a shortened form
    drops its last initial («dungnt» of «dungntq»), not one inside it («lucv» for «luclv»,
    «Lê Văn Lực»'s given name and initials, a hard leader_fill receipt at forms tuning seed
    17, was given so)."""
    return len(letters) == len(form) - 1 and letters != form[:-1] and any(
        form[:i] + form[i + 1:] == letters for i in range(len(form) - 1))


def mend_local_by_name(address: str, name: str) -> str | None:
    """The address with the one letter of its name (before «@») mended that makes its letters
    one of ``name_forms``: Tesseract reads a letter of the name wrong with full confidence
    («dungntg864» for «dungntq864», «thunnh58» for «thuhnh58», tuning receipts at seeds 61
    and 62, both given). None when its letters already are such a form, or are one letter
    from none or from two."""
    found = _name_letters(address, name)
    if found is None:
        return None
    places, letters, forms = found
    mended = {form for form in forms if _one_read_otherwise(form, letters)}
    if len(mended) != 1:
        return None
    form = mended.pop()
    spot = next(i for i, (a, b) in enumerate(zip(form, letters, strict=True)) if a != b)
    index = places[spot]
    return f"{address[:index]}{form[spot]}{address[index + 1:]}"


def local_name_doubt(address: str, name: str) -> str | None:
    """Why an address ``mend_local_by_name`` could not mend looks misread: its name's letters
    are one letter from a form of ``name`` (``name_forms``) that they are not, by a letter
    read otherwise where two forms are one letter away («diepln89» for «dieplm89», both
    «dieplm» and «dieple» one letter off: a mild tuning receipt at seed 61 for «Lê Mỹ
    Diệp»), or by one letter too many («dungntgq864» for «dungntq864», a clean one), or by
    one lost inside it (``_one_lost_inside``). One letter fewer at its end is no doubt:
    people shorten their initials («dungnt»)."""
    found = _name_letters(address, name)
    if found is None:
        return None
    _, letters, forms = found
    near = sorted(form for form in forms
                  if _one_read_otherwise(form, letters) or _one_too_many(form, letters)
                  or _one_lost_inside(form, letters))
    if not near:
        return None
    return (f"has «{letters}» in its name, one letter from «{' / '.join(near)}» as «{name}» "
            "would write it: misread?")


@dataclass(frozen=True)
class Email(ValueKind):
    """An e-mail address; its domain mended to a major provider's when one letter off
    (registered with ``mend_lowers_confidence``)."""

    def mend(self, value: Value, context: ValueContext = NO_CONTEXT) -> Value:
        """«an.le@gmalil.com» → «an.le@gmail.com» (see the module's note)."""
        return mend_domain(str(value))

    def problem(self, value: str, read: str,
                context: ValueContext = NO_CONTEXT) -> str | None:
        """A domain OCR seems to have made up (see ``domain_doubt``), or a digit of the name
        read as a letter (``local_doubt``)."""
        return domain_doubt(value) or local_doubt(value) or pieces_doubt(read)
