"""Deciding whether two records are one work: match keys, blocking, scoring, reasons.

Every comparison runs on folded text (accents, case, punctuation, LaTeX and HTML entities
gone; see `tracker.textkeys.fold`), so "FOREST ECOLOGY AND MANAGEMENT" meets "Forest
Ecology and Management", and "Miller, JR" meets "John R. Miller". A pair gets one of three
outcomes — merge, review, apart — and the reasons for it in words, because a curator must
see *why* before trusting a merge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from rapidfuzz import fuzz

from tracker.dedupe.titles import without_annotations
from tracker.dedupe.versions import preprint_label
from tracker.entry import Name
from tracker.textkeys import fold, numbers_in

MERGE, REVIEW, APART = "merge", "review", "apart"
#: How a pair's reasons say that its two DOIs differ (`PairScore.other_dois`).
OTHER_DOIS_WORDS = "different DOIs"

#: Blocks larger than this ("Smith 2019" in a large library) are not compared all against
#: all: their records are sorted by title and each meets its WINDOW next neighbours.
MAX_BLOCK = 16
WINDOW = 8
#: In a first-author-and-year block, a record without pages meets this many title
#: neighbours on each side (the title keys have usually found its copies already).
AUTHOR_WINDOW = 2
_STOP = frozenset(
    {"a", "an", "the", "of", "and", "in", "on", "for", "to", "with", "from", "by", "at", "or", "as", "is", "are"}
    | {"de", "la", "le", "les", "des", "der", "die", "das", "el", "los"}
)
_GENERIC_TITLES = frozenset(
    fold(t)
    for t in (
        "editorial",
        "introduction",
        "preface",
        "foreword",
        "book review",
        "book reviews",
        "reviews",
        "erratum",
        "corrigendum",
        "correction",
        "errata",
        "reply",
        "response",
        "commentary",
        "comment",
        "letter to the editor",
        "conclusion",
        "conclusions",
        "index",
        "abstracts",
        "news",
        "obituary",
        "editorial board",
        "contents",
        "table of contents",
        "announcement",
        "acknowledgements",
    )
)
#: Title openings that make a record a reply to, or a correction of, another work.
_RESPONSE_OPENING = re.compile(
    r"^(comment on|comments on|commentary on|reply to|a reply to|response to|a response to|rejoinder|"
    r"erratum|corrigendum|correction to|correction|retraction|retraction note|author correction)\b"
)


@dataclass(slots=True)
class MatchRecord:
    """What matching reads of a record (any reader's entry can be turned into one)."""

    id: str
    title: str = ""
    authors: list[Name] = field(default_factory=list)
    year: str = ""
    container: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    entry_type: str = "article"
    version: str = ""  # "SSRN", "working paper", ... for an early version (see `versions`)
    issn: str = ""
    edition: str = ""
    #: The field `container` was taken from (journal or book, series, institution, publisher),
    #: "" if not said: venues of two kinds are not compared (a book's series is not its publisher).
    venue_kind: str = ""


@dataclass(slots=True)
class Prepared:
    """A record's match keys, computed once."""

    record: MatchRecord
    title: str
    title_words: list[str]
    families: list[str]
    givens: list[str]  # each author's first given name, folded ("j" when only an initial was written)
    year: int | None
    venue: str
    venue_words: list[str]
    first_page: str
    last_page: str
    volume: str
    issue: frozenset[str]  # the issue's numbers ("3-4": 3 and 4; "Suppl 1": 1), empty when none
    doi: str
    generic: bool
    response: bool
    numbers: list[str]
    version: str
    title_parts: list[str]  # "English title [Original title]": each part, folded
    issns: frozenset[str]  # a journal has a print and an electronic ISSN; a source gives either
    edition: str


@dataclass(slots=True)
class PairScore:
    """A pair's outcome, its score (0-100) and the reasons in words. What later steps act
    on is a field, not a phrase of the reasons: `other_dois` marks two records whose DOIs
    differ, which are never merged automatically, whatever links them."""

    outcome: str
    score: float
    reasons: list[str]
    other_dois: bool = False


_SUFFIX_WORDS = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _family_and_given(name: Name) -> tuple[str, str]:
    """The family name as folded words (particles and suffixes dropped) and the first
    given name: "Van Riper III, C." gives ("riper", "c"), "Riper, Charles" ("riper", "charles")."""
    return _folded_name(name.literal, name.family, name.given)


@lru_cache(maxsize=65536)
def _folded_name(literal: str, family: str, given: str) -> tuple[str, str]:
    """(Cached: a library names the same people again and again.)"""
    if literal:
        return fold(literal), ""
    words = [w for w in fold(family).split() if w not in _SUFFIX_WORDS]
    given_words = fold(given).split()
    return " ".join(words), given_words[0] if given_words else ""


#: Where an export ran one author into the next: an initial's dot, then a family name.
_JOIN = re.compile(r"(?<=[^\W\d_]\.)(?=[^\W\d_]{2})")
_INITIALS_AFTER_FAMILY = re.compile(
    r"^(?P<family>[^\W\d_][\w'’-]+(?: [^\W\d_][\w'’-]+)*) (?P<initials>(?:[^\W\d_]\. ?)+)$"
)
_UNDOTTED_AUTHOR = re.compile(r"^(?P<family>[^\W\d_][\w'’-]+(?: [^\W\d_][\w'’-]+)*) (?P<initials>[A-Z]{1,3})$")
#: Longer "names" are not a run-together list worth splitting (and are not read twice).
_LONGEST_RUN = 400


def _run_together(authors: list[Name]) -> list[Name]:
    """Several authors a source ran into one name, as Embase and PubMed exports do:
    "Adeli K.Lewis G. F." (read as one name with family "F.") or "Adeli K, Lewis GF"
    (read as family "Adeli K", given "Lewis GF"), split into the people they are.
    Any other list is returned as it is."""
    if len(authors) != 1 or authors[0].literal:
        return authors
    name = authors[0]
    dotted = f"{name.given} {name.family}".strip()
    if len(dotted) > _LONGEST_RUN:
        return authors
    pieces = [piece.strip() for piece in _JOIN.split(dotted)]
    found = [_INITIALS_AFTER_FAMILY.match(piece) for piece in pieces]
    if len(pieces) >= 2 and all(found):
        return [Name(family=m["family"], given=m["initials"].strip()) for m in found if m]
    parts = [part.strip() for part in f"{name.family}, {name.given}".split(",")]
    matched = [_UNDOTTED_AUTHOR.match(part) for part in parts]
    if len(parts) >= 2 and all(matched):
        return [Name(family=m["family"], given=m["initials"]) for m in matched if m]
    return authors


def _same_family(a: str, b: str) -> bool:
    """Equal, nearly equal, or one written with more of the person's names than the other
    ("Rey Benayas" / "Benayas", "Genoveva Pignataro" / "Pignataro")."""
    if a == b:
        return True
    if len(a) > 3 and fuzz.ratio(a, b) >= 88:
        return True
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b:
        return False
    short, long_ = sorted((words_a, words_b), key=len)
    return len(short) < len(long_) and all(w in long_ for w in short)


def prepare(record: MatchRecord) -> Prepared:
    """Fold a record's fields into the keys every comparison uses."""
    clean_title = without_annotations(record.title)
    title = fold(clean_title)
    words = [w for w in title.split() if w not in _STOP]
    people = [
        _family_and_given(n) for n in _run_together(record.authors) if (n.literal or n.family) and n.literal != "others"
    ]
    people = [(family, initial) for family, initial in people if family]  # a name of punctuation folds to ""
    year = int(record.year[:4]) if record.year[:4].isdigit() else None
    volume = _volume_number(record.volume)
    if volume == str(year):  # some journals (PeerJ, PLOS ONE) have their year written as the volume
        volume = ""
    venue = fold(record.container)
    first_page, last_page = _page_range(record.pages)
    return Prepared(
        record=record,
        title=title,
        title_words=words,
        families=[f for f, _ in people],
        givens=[g for _, g in people],
        year=year,
        venue=venue,
        venue_words=[w for w in venue.split() if w not in _STOP],
        first_page=first_page,
        last_page=last_page,
        volume=volume,
        issue=_issue(record.number),
        doi=record.doi.strip().lower(),
        generic=title in _GENERIC_TITLES or len(words) < 3 or len(title.replace(" ", "")) < 15,
        response=bool(_RESPONSE_OPENING.match(title)),
        numbers=numbers_in(title),
        version=record.version or preprint_label(record.entry_type, {"doi": record.doi, "container": record.container}),
        title_parts=_bracketed_parts(clean_title),
        issns=frozenset(_ISSN.findall(record.issn.upper().replace("-", ""))),
        edition=_edition(record.edition),
    )


_ISSN = re.compile(r"\d{7}[\dX]")
_PAGE = re.compile(r"^[a-z]?\d+[a-z]?$|^[ivxlc]+$")
_RANGE_DASH = re.compile(r"\s*(?:[-–—]+|\bto\b)\s*")


def _page_range(pages: str) -> tuple[str, str]:
    """(first page, last page), lower case, leading zeros gone; "" for what is not a page
    number ("Suppl", "t" of a garbled "t-20"): an unknown page must not conflict. A last
    page written short ("1903-9") is completed from the first ("1909")."""
    parts = _RANGE_DASH.split(pages.strip().lower(), maxsplit=1)
    first = parts[0].strip().lstrip("0")
    if not _PAGE.match(first):
        return "", ""
    last = parts[1].strip().lstrip("0") if len(parts) > 1 else ""
    if not _PAGE.match(last):
        return first, ""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    if first.isdigit() and last.isdigit() and int(last) < int(first):
        return "", ""  # a range that ends before it starts ("2297-2108"): which end is wrong is not known
    return first, last


def _volume_number(volume: str) -> str:
    """A volume as its number, lower case: "Vol. 9" and an export's "Drug Discovery. 9" (the
    journal's name spilled into the field) are volume 9; "9 Suppl 1" is 9."""
    volume = volume.strip().lower()
    if volume.isdigit() or not re.search(r"[a-z]", volume):
        return volume
    number = re.search(r"\d+", volume)
    return number.group(0) if number else volume


def _issue(number: str) -> frozenset[str]:
    """The numbers of an issue: "Suppl 1" and "S1" are {1}, a double issue "9-10" is
    {9, 10}, so it meets "10" of another source. Empty when it holds none (then it cannot
    conflict)."""
    numbers = [int(n) for n in re.findall(r"\d+", number)[:2]]
    if len(numbers) == 2 and 0 < numbers[1] - numbers[0] <= 12:
        numbers = list(range(numbers[0], numbers[1] + 1))
    return frozenset(str(n) for n in numbers)


def _other_issues(a: Prepared, b: Prepared) -> bool:
    """Both records name their issue and the issues share no number."""
    return bool(a.issue) and bool(b.issue) and not a.issue & b.issue


def _pages_agree(a: Prepared, b: Prepared) -> bool:
    """The same first page, or one record's page inside the other's range: "359" is an
    abstract's page of "356-359"."""
    if a.first_page == b.first_page:
        return True
    return any(
        one.first_page.isdigit()
        and other.first_page.isdigit()
        and other.last_page.isdigit()
        and int(other.first_page) <= int(one.first_page) <= int(other.last_page)
        for one, other in ((a, b), (b, a))
    )


_ORDINALS = {
    word: str(number)
    for number, words in enumerate(
        [("first", "1st"), ("second", "2nd"), ("third", "3rd"), ("fourth", "4th"), ("fifth", "5th")], start=1
    )
    for word in words
}


def _edition(text: str) -> str:
    """An edition as its number ("2nd", "Second edition", "2" are all "2"); other
    wording ("revised") folded as it is."""
    folded = fold(text)
    for word in folded.split():
        if word in _ORDINALS:
            return _ORDINALS[word]
    return "".join(numbers_in(folded)) or folded


_BRACKETED_TAIL = re.compile(r"^(?P<main>[^\[\]]+?)\s*(?P<tail>(\[[^\[\]]+\]\s*)+)\.?$")


def _bracketed_parts(title: str) -> list[str]:
    """A title followed by its translations in brackets, as Scopus writes non-English
    articles ("Temporal changes ... [Evolution des ...] [Die Entwicklung ...]"), split
    into its titles, folded; [] for any other title. Each source keeps some of them."""
    found = _BRACKETED_TAIL.match(title.strip())
    if not found:
        return []
    parts = [found["main"], *re.findall(r"\[([^\[\]]+)\]", found["tail"])]
    return [part for part in map(fold, parts) if len(part.split()) >= 3]


def stored_keys(item: Prepared) -> set[str]:
    """The keys a store keeps for a record, so an incremental run reads only the records
    that share one with a new record: the DOI, the title's end, first author and year (and
    first page), and each title word (`tw:`) from which a title's rarest words are found
    with the library's word counts at the time of asking. None depends on other records."""
    keys = own_keys(item)
    keys.update(f"tw:{word}" for word in item.title_words)
    return keys


#: The letters of a title's beginning that key it (with its year): long enough that titles
#: opening alike ("the impact of integration policies on") are not all compared.
TITLE_START = 40


def own_keys(item: Prepared) -> set[str]:
    """The keys a record has whatever the others are: DOI, title end, title beginning and
    year, first author and year."""
    keys = set()
    if item.doi:
        keys.add(f"doi:{item.doi}")
    joined = "".join(item.title_words)
    if len(joined) >= 12:
        keys.add(f"t1:{joined[-24:]}")
    if len(joined) >= TITLE_START and item.year:
        # and by its beginning in its year: one copy's title may end in what the other's
        # lacks (an annotation, a subtitle, a translated title), with rare words of its own
        keys.add(f"t0:{joined[:TITLE_START]}:{item.year}")
    if item.families and item.year:
        # first author and year, for titles written too differently for the title keys;
        # two records that both have pages meet only on the same first page (see
        # `candidate_pairs`), or "Smith 2019" would grow with the square of the library
        family = item.families[0].split()[-1]
        for year in (item.year, item.year + 1):
            keys.add(f"ay:{family}:{year}")
            if item.first_page:
                keys.add(f"ayp:{family}:{year}:{item.first_page}")
    return keys


def rarest_words(item: Prepared, frequency: dict[str, int]) -> list[str]:
    """The three words of a title that the fewest titles share: what tells it apart,
    wherever its common words fall. [] for a title too short to be keyed by its words."""
    if len("".join(item.title_words)) < 12 or len(item.title_words) < 3:
        return []
    return sorted(sorted(set(item.title_words)), key=lambda w: frequency.get(w, 0))[:3]


def blocking_keys(item: Prepared, frequency: dict[str, int] | None = None) -> set[str]:
    """Keys under which a record is compared with others: records share a key or are never
    compared, so the work grows with the library, not with its square. A title is keyed
    by its end and, with word frequencies, by its three rarest words — what tells it
    apart, wherever its common words fall (its beginning does not: "The impact of
    integration policies on" opens too many); a translated title is caught by author,
    year and first page."""
    keys = own_keys(item)
    if frequency is not None and (rare := rarest_words(item, frequency)):
        keys.add("tr:" + " ".join(sorted(rare)))
    return keys


def candidate_pairs(items: Sequence[Prepared], only_with: Iterable[int] | None = None) -> set[tuple[int, int]]:
    """Index pairs (i < j) that share a blocking key. With `only_with`, only pairs that
    involve one of those indexes (new records, in an incremental run)."""
    frequency: dict[str, int] = defaultdict(int)
    for item in items:
        for word in set(item.title_words):
            frequency[word] += 1
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        for key in blocking_keys(item, frequency):
            blocks[key].append(index)
    wanted = set(only_with) if only_with is not None else None
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key.startswith("ay:"):
            candidates = _pairs_with_a_pageless_record(members, items)
        elif len(members) <= MAX_BLOCK:
            candidates = combinations(members, 2)
        else:
            candidates = _neighbours(sorted(members, key=lambda index: items[index].title), range(len(members)))
        for i, j in candidates:
            if wanted is None or i in wanted or j in wanted:
                pairs.add((i, j) if i < j else (j, i))
    return pairs


def _neighbours(ordered: Sequence[int], positions: Iterable[int], window: int = WINDOW) -> Iterator[tuple[int, int]]:
    """Each record at `positions` of a block sorted by title, with its `window` neighbours
    on either side: a large block costs each record a fixed number of comparisons."""
    for a in positions:
        for b in range(max(0, a - window), min(len(ordered), a + 1 + window)):
            if b != a:
                yield ordered[a], ordered[b]


def _pairs_with_a_pageless_record(members: Sequence[int], items: Sequence[Prepared]) -> Iterable[tuple[int, int]]:
    """Pairs of a first-author-and-year block that involve a record without pages (two
    records with pages meet under "ayp:" when their first pages agree). Always windowed:
    common family names make many middle-sized blocks, and each would cost its square."""
    ordered = sorted(members, key=lambda index: items[index].title)
    return _neighbours(ordered, [p for p, index in enumerate(ordered) if not items[index].first_page], AUTHOR_WINDOW)


def _venue_relation(a: Prepared, b: Prepared) -> str:
    """`same`, `abbreviation`, `different` or `unknown` (one side has no venue, or the two
    are venues of different kinds: one copy of a book names its series, the other only its
    publisher). A shared ISSN settles it whatever the names (an ISSN apart proves nothing:
    print and online ISSNs differ)."""
    if a.issns & b.issns:
        return "same"
    if not a.venue or not b.venue:
        return "unknown"
    kinds = (a.record.venue_kind, b.record.venue_kind)
    if all(kinds) and kinds[0] != kinds[1]:
        return "unknown"
    if a.venue == b.venue or fuzz.token_set_ratio(a.venue, b.venue) >= 92:
        return "same"
    if _abbreviates(a.venue_words, b.venue_words) or _abbreviates(b.venue_words, a.venue_words):
        return "abbreviation"
    return "different"


def _abbreviates(short: list[str], long_: list[str]) -> bool:
    """Each word of `short` begins a word of `long_`, in order: "j ethn migr stud" for
    "journal of ethnic and migration studies"."""
    if not short or len(short) > len(long_):
        return False
    position = 0
    for word in short:
        while position < len(long_) and not long_[position].startswith(word):
            position += 1
        if position == len(long_):
            return False
        position += 1
    return True


def _swapped(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """One person with family and given name swapped by a source, as exports do with
    East Asian names and with "given family" strings: ("wang", "x") and ("xiaoguang",
    "wang"), ("carignani", "andrea") and ("andrea", "c"). At least one name written whole
    on both sides, so two initials never make a match."""
    (family_a, given_a), (family_b, given_b) = a, b
    if not given_a or not given_b:
        return False

    def written_as(full: str, given: str) -> bool:
        return full == given or (len(given) == 1 and full.startswith(given))

    whole = family_a == given_b or family_b == given_a
    return whole and written_as(family_a, given_b) and written_as(family_b, given_a)


@dataclass(frozen=True, slots=True)
class Authors:
    """How two records' author lists relate: `same`/`partial`/`different`/`unknown`, how
    many people they share, and the words for the reasons."""

    relation: str
    shared: int
    words: str


def _authors_relation(a: Prepared, b: Prepared) -> Authors:
    if not a.families or not b.families:
        return Authors("unknown", 0, "authors missing on one side")
    matched = 0
    used: set[int] = set()
    for index_a, family in enumerate(a.families):
        for index_b, other in enumerate(b.families):
            if index_b in used:
                continue
            given_a, given_b = a.givens[index_a], b.givens[index_b]
            if _same_family(family, other):
                if given_a and given_b and given_a[0] != given_b[0] and family == other:
                    continue
            elif not _swapped((family, given_a), (other, given_b)):
                continue
            matched += 1
            used.add(index_b)
            break
    shorter = min(len(a.families), len(b.families))
    first_ok = _same_family(a.families[0], b.families[0]) or _swapped(
        (a.families[0], a.givens[0]), (b.families[0], b.givens[0])
    )
    words = f"{matched}/{shorter} authors"
    if matched == shorter and first_ok:
        return Authors("same", matched, words)
    if first_ok and matched >= max(1, shorter // 2):
        return Authors("partial", matched, words)
    if matched == shorter >= 2:
        return Authors("partial", matched, f"{words} (in another order)")
    return Authors("different", matched, words)


def _online_first_and_issue(a: Prepared, b: Prepared, venue: str) -> bool:
    """One record is an article online before its issue (no volume, pages from 1, the
    earlier year) and the other the same article in its issue, in the same venue."""
    if venue not in ("same", "abbreviation") or a.year is None or b.year is None:
        return False
    early, issue = (a, b) if a.year < b.year else (b, a)
    return not early.volume and early.first_page in ("", "1") and bool(issue.volume)


#: A title this long (words that are not stop words) is not a recurring column's.
DISTINCT_TITLE_WORDS = 6


def _pages_written_two_ways(a: Prepared, b: Prepared, *, other_issues: bool = False) -> bool:
    """Same year, venue and volume, a long title, and pages that differ: online journals
    give an article number ("e12724", "c1804") where print gives pages, and indexes write a
    supplement's pages their own way. Two issues only with `other_issues`. Short titles
    stay out: a column recurs in one volume with the same author."""
    return (
        min(len(a.title_words), len(b.title_words)) >= DISTINCT_TITLE_WORDS
        and _same_volume(a, b)
        and (other_issues or not _other_issues(a, b))
    )


#: The least title words of a paper whose venue two copies name two ways, on the same pages.
PAGED_TITLE_WORDS = 4


def _venue_named_two_ways(a: Prepared, b: Prepared, *, title: float, authors: Authors, conflicts: list[str]) -> bool:
    """The same authors (two or more) and year, and the venue the only conflict, with the
    same volume or the same page range to hold on to: proceedings are named a new way by
    every index, journals in their language and in English. On the same range of several
    pages a shorter title, or one written a little differently (an acronym before it or
    not: "Hyred: Hybrid job recommendation system"), is enough; the same authors on the same
    pages of one year's proceedings are one paper."""
    if set(conflicts) - {"venue", "volume"} or "venue" not in conflicts or authors.relation != "same":
        return False
    if authors.shared < 2 or a.year is None or a.year != b.year:
        return False
    same_range = _spans_pages(a) and _spans_pages(b) and a.first_page == b.first_page and a.last_page == b.last_page
    words = min(len(a.title_words), len(b.title_words))
    if same_range:
        return title >= 90 and words >= PAGED_TITLE_WORDS
    same_volume = "volume" not in conflicts and bool(a.volume) and a.volume == b.volume
    return same_volume and title >= 98 and words >= DISTINCT_TITLE_WORDS


_MEETING = re.compile(r"\b(?:conference|proceedings|symposium|workshop|congress|meeting)\b")


def _is_conference_paper(item: Prepared) -> bool:
    return item.record.entry_type == "conference" or bool(_MEETING.search(item.venue))


def _meeting_and_proceedings(a: Prepared, b: Prepared, *, title: float, authors: Authors, conflicts: list[str]) -> bool:
    """Two copies of a conference paper a year apart: indexes date it by the meeting (a
    conference in December) or by the proceedings (out the next year). The same title word
    for word, a distinctive one, by the same authors (two or more), nothing else apart
    but the venue's name, and both conference papers."""
    if title < 99 or authors.relation != "same" or authors.shared < 2 or set(conflicts) - {"venue"}:
        return False
    if min(len(a.title_words), len(b.title_words)) < DISTINCT_TITLE_WORDS:
        return False
    return _is_conference_paper(a) and _is_conference_paper(b)


def _spans_pages(item: Prepared) -> bool:
    """An item of several pages: one page of an abstracts supplement ("81A") holds several
    abstracts by the same group, so a shared single page does not name one work."""
    return item.first_page.isdigit() and item.last_page.isdigit() and int(item.last_page) > int(item.first_page)


def _same_page_range(a: Prepared, b: Prepared, venue: str) -> bool:
    """The same year, venue and page range of several pages (no volume needed: proceedings)."""
    return (
        a.year is not None
        and a.year == b.year
        and venue in ("same", "abbreviation")
        and _spans_pages(a)
        and (a.first_page, a.last_page) == (b.first_page, b.last_page)
        and not _other_issues(a, b)
    )


def _same_place(a: Prepared, b: Prepared) -> bool:
    """Same year, venue, volume and first page, and no two issues: where an article is
    printed names it (two articles never start on one page of one issue; a recurring
    column starts on the same page of *different* issues, hence the issue check)."""
    return _same_volume(a, b) and bool(a.first_page) and _pages_agree(a, b) and not _other_issues(a, b)


def _same_volume(a: Prepared, b: Prepared) -> bool:
    """The same year, venue (or its abbreviation) and volume."""
    return (
        a.year is not None
        and a.year == b.year
        and bool(a.volume)
        and a.volume == b.volume
        and _venue_relation(a, b) in ("same", "abbreviation")
    )


def _subtitle_dropped(a: Prepared, b: Prepared, least_words: int = 3) -> bool:
    """One title is the other's beginning, of at least `least_words` words: a source that
    left the subtitle out ("Anxiety about hacking" of "Anxiety about hacking: predictors")."""
    short, long_ = sorted((a.title, b.title), key=len)
    return len(short.split()) >= least_words and long_.startswith(short + " ")


def _title_similarity(a: Prepared, b: Prepared) -> float:
    if not a.title or not b.title:
        return 0.0
    score = fuzz.ratio(a.title, b.title)
    if a.title_parts or b.title_parts:  # a translated title in brackets on one side or both
        for part_a in a.title_parts or [a.title]:
            for part_b in b.title_parts or [b.title]:
                score = max(score, fuzz.ratio(part_a, part_b))
    if _subtitle_dropped(a, b, least_words=6):
        score = max(score, 96.0)
    return score


def score_pair(a: Prepared, b: Prepared) -> PairScore:
    """Merge, review or apart, with a score (0-100) and the reasons in words."""
    reasons: list[str] = []
    title = _title_similarity(a, b)
    reasons.append(f"title {title:.0f}")
    if a.doi and a.doi == b.doi:  # a DOI names one work: it outweighs everything but a different title
        outcome = MERGE if title >= 80 or not (a.title and b.title) or _subtitle_dropped(a, b) else REVIEW
        return PairScore(outcome, max(title, 99.0), ["same DOI", *reasons])
    if a.numbers != b.numbers and a.title and b.title and not _same_place(a, b):
        return PairScore(APART, title, [*reasons, "numbers in the titles differ (part, edition, year)"])
    if a.response != b.response:
        return PairScore(APART, title, [*reasons, "one is a comment, reply or correction of the other"])
    if a.edition and b.edition and a.edition != b.edition:
        return PairScore(APART, title, [*reasons, f"editions {a.edition} and {b.edition}"])
    if bool(a.version) != bool(b.version):
        return _versions_pair(a, b, title, reasons)
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 1:
        return PairScore(APART, title, [*reasons, f"years {a.year} and {b.year}"])

    other_dois = bool(a.doi) and bool(b.doi) and a.doi != b.doi
    people = _authors_relation(a, b)
    authors = people.relation
    venue = _venue_relation(a, b)
    reasons.append(people.words)
    if a.year is not None and a.year == b.year:
        reasons.append("same year")
    elif a.year is not None and b.year is not None:
        reasons.append("years one apart (online first?)")
    conflicts, supports = [], []
    if a.volume and b.volume:
        (supports if a.volume == b.volume else conflicts).append("volume")
    if a.volume and a.volume == b.volume and _other_issues(a, b):
        conflicts.append("issue")  # one volume, two issues: a column or front matter that recurs
    if a.first_page and b.first_page:
        (supports if _pages_agree(a, b) else conflicts).append("pages")
    if venue in ("same", "abbreviation"):
        supports.append("venue" if venue == "same" else "venue (abbreviated)")
    elif venue == "different":
        conflicts.append("venue")
    if supports:
        reasons.append("same " + ", ".join(supports))
    if conflicts:
        reasons.append("different " + ", ".join(conflicts))

    if other_dois:
        reasons.insert(0, OTHER_DOIS_WORDS)
        strong = title >= 97 and authors in ("same", "partial") and not conflicts
        return PairScore(REVIEW if strong else APART, title, reasons, other_dois=True)
    if authors == "different":
        if title >= 97 and not a.generic and not b.generic and _same_place(a, b):
            reasons.append("same venue, volume, first page and year (the author lists written two ways)")
            return PairScore(MERGE, title, reasons)
        return PairScore(REVIEW if title >= 98 and not conflicts else APART, title, reasons)
    if _subtitle_dropped(a, b, least_words=2) and authors == "same" and _same_page_range(a, b, venue):
        reasons.append("one title is the other's beginning (a subtitle dropped), on the same pages")
        return PairScore(MERGE, title, reasons)
    if a.generic or b.generic:
        reasons.append("a generic title")
        exact = {"volume", "pages"} <= set(supports) and venue in ("same", "abbreviation")
        if conflicts or title < 95:
            return PairScore(APART, title, reasons)
        return PairScore(MERGE if exact else REVIEW, title, reasons)
    # a year one apart is "online first" only when volume and pages say it is the same article,
    # or when one record is the online-first copy itself: no volume yet, pages from 1
    year_settled = a.year is None or b.year is None or a.year == b.year or {"volume", "pages"} <= set(supports)
    if not year_settled and _online_first_and_issue(a, b, venue) and title >= 97 and authors == "same":
        return PairScore(MERGE, title, [*reasons, "online first (no volume yet, pages from 1), then in an issue"])
    if not year_settled and _meeting_and_proceedings(a, b, title=title, authors=people, conflicts=conflicts):
        reasons.append("a conference paper dated by its meeting and by its proceedings (years one apart)")
        return PairScore(MERGE, title, reasons)
    if not year_settled:
        return PairScore(REVIEW if title >= 90 else APART, title, reasons)
    if title >= 95 and not conflicts:
        return PairScore(MERGE, title, reasons)
    if title >= 95 and conflicts == ["venue"] and {"volume", "pages"} <= set(supports):
        return PairScore(MERGE, title, reasons)  # the same article, the venue written two ways
    if _venue_named_two_ways(a, b, title=title, authors=people, conflicts=conflicts):
        reasons.append("the venue named two ways (proceedings, or a journal's name in two languages)")
        return PairScore(MERGE, title, reasons)
    if title >= 88 and not conflicts and len(supports) >= 2:
        return PairScore(MERGE, title, reasons)
    if title >= 97 and _same_place(a, b):
        return PairScore(MERGE, title, reasons)  # the same place in the same volume: authors written two ways
    if conflicts == ["pages"] and title >= 98 and authors == "same" and _pages_written_two_ways(a, b):
        reasons.append("pages written two ways (an article number and print pages?)")
        return PairScore(MERGE, title, reasons)
    if (
        set(conflicts) == {"issue", "pages"}
        and title >= 98
        and authors == "same"
        and people.shared >= 2
        and _pages_written_two_ways(a, b, other_issues=True)
    ):
        reasons.append("printed twice in one volume by the same authors (a meeting abstract and its article?)")
        return PairScore(MERGE, title, reasons)
    if _same_place(a, b) and authors == "same" and not conflicts and _spans_pages(a) and _spans_pages(b):
        reasons.append("same venue, volume, first page, year and authors (a title in another language?)")
        return PairScore(MERGE, max(title, 90.0), reasons)
    if title >= 85:
        return PairScore(REVIEW, title, reasons)
    return PairScore(APART, title, reasons)


#: How long a working paper may wait for its journal (years between the two versions).
MAX_PUBLICATION_DELAY = 8


def _versions_pair(a: Prepared, b: Prepared, title: float, reasons: list[str]) -> PairScore:
    """An early version (preprint, working paper) against a published record: venue,
    volume, pages and year are expected to differ, so title and authors decide; the
    published version must not come before the early one (a year's slack for dating)."""
    early, published = (a, b) if a.version else (b, a)
    people = _authors_relation(a, b)
    authors = people.relation
    reasons = [*reasons, people.words, f"an early version ({early.version}) and its published version"]
    if early.year is not None and published.year is not None:
        delay = published.year - early.year
        if delay < -1 or delay > MAX_PUBLICATION_DELAY:
            return PairScore(APART, title, [*reasons, f"years {early.year} and {published.year}"])
        reasons.append(f"published {delay} years later" if delay > 1 else "years close")
    if early.doi and published.doi and early.doi != published.doi:
        reasons.insert(0, OTHER_DOIS_WORDS)
        outcome = REVIEW if title >= 95 and authors != "different" else APART
        return PairScore(outcome, title, reasons, other_dois=True)
    if title >= 95 and authors == "same":
        return PairScore(MERGE, title, reasons)
    if title >= 88 and authors in ("same", "partial"):
        return PairScore(REVIEW, title, reasons)
    return PairScore(APART, title, reasons)
