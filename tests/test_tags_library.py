"""Tags on a library: the tagger's proposals stored with their evidence, a curator's changes
that win for good, the export fields, and the text image (both stores, see conftest)."""

from __future__ import annotations

import json

from tests.conftest import drop_store

STUDIES = r"""
@article{kogan2016,
  author = {Kogan, Irena},
  title = {Integration policies and the life satisfaction of Turkish immigrants in Germany},
  journal = {Journal of Ethnic and Migration Studies}, year = {2016},
  abstract = {Using survey data, multilevel models relate integration policies to the life
              satisfaction of immigrants in Germany and Austria.}
}
@article{silva2020,
  author = {Silva, Ana},
  title = {A nova Lei de Migração e a integração de imigrantes no Brasil},
  journal = {Revista Brasileira de Estudos de População}, year = {2020}
}
"""
LATER = r"""
@article{ruhs2018,
  author = {Ruhs, Martin},
  title = {Family reunification rules in Denmark and Sweden: a legal analysis},
  journal = {Migration Studies}, year = {2018}
}
"""


def _import(cli, write, name, text):  # type: ignore[no-untyped-def]
    result = cli("import", str(write(name, text)))
    assert result.exit_code == 0, result.output


def test_tag_proposes_tags_with_evidence_and_exports_them(cli, write, library):
    _import(cli, write, "a.bib", STUDIES)
    result = cli("tag")
    assert result.exit_code == 0, result.output
    assert "tagged 2 studies (0 already tagged" in result.output
    assert "DE 1" in result.output and "BR 1" in result.output
    why = cli("tags", "kogan2016", "--why").output
    assert "country: DE (tagger, confidence" in why
    assert "rule: named as the country studied; found: Germany" in why
    assert "outcome: wellbeing" in why and "found: life satisfaction" in why
    bibtex = cli("export", "--key", "kogan2016").output
    assert "mipex-countries = {AT, DE}," in bibtex
    assert "mipex-use = {explains_outcomes}," in bibtex
    assert "mipex-outcomes = {wellbeing}," in bibtex
    assert "mipex-places" not in bibtex  # none named
    item = json.loads(cli("export", "--format", "csljson", "--key", "kogan2016").output)[0]
    assert item["custom"]["mipex-areas"] == "overall"
    row = cli("export", "--format", "csv", "--key", "silva2020").output
    assert '""mipex-countries"": ""BR""' in row


def test_a_second_run_tags_only_new_studies(cli, write):
    _import(cli, write, "a.bib", STUDIES)
    cli("tag")
    _import(cli, write, "b.bib", LATER)
    again = cli("tag").output
    assert "tagged 1 studies (2 already tagged, left as they were)" in again
    assert "family_reunion 1" in again and "DK 1" in again
    everything = cli("tag", "--all").output
    assert "tagged 3 studies (0 already tagged" in everything


def test_a_curators_tags_win_over_every_later_run_import_and_rebuild(cli, write, library_dir, db_url):
    _import(cli, write, "a.bib", STUDIES)
    cli("tag")
    changed = cli("tag", "kogan2016", "+area:health", "-country:AT", "use:compares_policies")
    assert changed.exit_code == 0, changed.output
    assert "kogan2016 area: health (curator), overall" in changed.output

    def looks_right() -> None:
        bibtex = cli("export", "--key", "kogan2016").output
        assert "mipex-areas = {health, overall}," in bibtex
        assert "mipex-countries = {DE}," in bibtex
        assert "mipex-use = {compares_policies}," in bibtex

    looks_right()
    cli("tag", "--all")
    looks_right()
    _import(cli, write, "b.bib", LATER)
    cli("tag")
    looks_right()
    drop_store(library_dir, db_url)
    looks_right()
    why = cli("tags", "kogan2016", "--why").output
    assert "area: health (curator)" in why
    assert "curator on" in why and "removed country:AT" in why


def test_a_merge_has_the_study_tagged_again_and_keeps_the_curators_tags(cli, write, library):
    _import(cli, write, "a.bib", STUDIES)
    cli("tag")
    cli("tag", "silva2020", "+outcome:employment")
    cli("merge", "kogan2016", "silva2020")
    (view,) = library.views(["kogan2016"])
    assert view.tags == {"outcome": {"employment": "curator"}}  # the tagger's were about two studies
    assert "tagged 1 studies (0 already tagged" in cli("tag").output  # the merged study, from what it now shows
    (view,) = library.views(["kogan2016"])
    assert view.tags["country"] == {"AT": "auto", "DE": "auto"}
    assert view.tags["outcome"]["employment"] == "curator"


def test_tag_mistakes_are_one_line_and_change_nothing(cli, write, library_dir):
    _import(cli, write, "a.bib", STUDIES)
    cli("tag")
    before = sorted((p.name, p.read_bytes()) for p in (library_dir / "bib").glob("*.*"))
    for args, message in [
        (("tag", "kogan2016", "+area:nonsense"), "'nonsense' is not one of the area codes"),
        (("tag", "kogan2016", "+colour:red"), "facet one of area, country, outcome, use"),
        (("tag", "kogan2016", "-use:explains_outcomes"), "a study has one use"),
        (("tag", "nosuchkey", "+area:health"), "no study with key 'nosuchkey'"),
        (("tags", "nosuchkey"), "no study with key 'nosuchkey'"),
    ]:
        result = cli(*args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert sorted((p.name, p.read_bytes()) for p in (library_dir / "bib").glob("*.*")) == before


def test_places_and_other_countries_are_exported_as_keywords(cli, write):
    title = "Local integration policies in Barcelona and Lisbon compared with Beirut, Lebanon"
    text = f"@article{{city2021, title = {{{title}}}, year = {{2021}}}}"
    _import(cli, write, "c.bib", text)
    cli("tag")
    bibtex = cli("export", "--key", "city2021").output
    assert "mipex-countries = {ES, PT}," in bibtex
    assert "mipex-places = {Barcelona; Lisbon}," in bibtex
    assert "mipex-other-countries = {Lebanon}," in bibtex
    assert "places named: Barcelona; Lisbon" in cli("tags", "city2021").output


def test_review_tags_asks_about_low_confidence_tags_and_saves_each_answer(cli, write, library):
    _import(cli, write, "a.bib", STUDIES)
    _include(cli, "kogan2016", "silva2020")
    cli("tag")
    queue = library.tag_review_queue()
    assert ("kogan2016", "country", "AT") in {(i.key, i.facet, i.code) for i in queue}  # Austria: once, in the abstract
    listed = cli("review", "tags", "--list").output
    assert f"{len(queue)} tags waiting for review" in listed
    assert "kogan2016  country:AT  confidence 0.50: named as the country studied; found: Austria" in listed
    position = [(i.key, i.facet, i.code) for i in queue].index(("kogan2016", "country", "AT"))
    answers = "k" * position + "xr" + "q"  # skip to Austria, a wrong key, reject it, quit
    result = cli("review", "tags", input=answers)
    assert result.exit_code == 0, result.output
    assert "'x' is not an answer" in result.output
    assert "saved: kogan2016 country:AT rejected" in result.output
    assert f"1 answered; {len(queue) - 1} waiting" in result.output
    assert "mipex-countries = {DE}," in cli("export", "--key", "kogan2016").output
    cli("tag", "--all")
    assert "mipex-countries = {DE}," in cli("export", "--key", "kogan2016").output  # the answer stands
    assert ("kogan2016", "country", "AT") not in {(i.key, i.facet, i.code) for i in library.tag_review_queue()}


def test_review_tags_answers_one_code_for_every_study_at_once_and_says_how_many(cli, write, library):
    _import(cli, write, "a.bib", STUDIES + LATER)
    _include(cli, "kogan2016", "silva2020", "ruhs2018")
    cli("tag")
    queue = library.tag_review_queue()
    use_code = next(f"{i.facet}:{i.code}" for i in queue if i.facet == "use")
    waiting = [i.key for i in queue if f"{i.facet}:{i.code}" == use_code]
    listed = cli("review", "tags", "--list").output
    assert f"{use_code} {len(waiting)}" in listed
    result = cli("review", "tags", "--accept", use_code, "--reject", "country:AT")
    assert result.exit_code == 0, result.output
    assert f"{use_code}: accepted for {len(waiting)} studies" in result.output
    assert "country:AT: rejected for 1 studies (kogan2016)" in result.output
    facet, code = use_code.split(":")
    for key in waiting:
        assert library.views([key])[0].tags[facet][code] == "curator"
    assert "mipex-countries = {DE}," in cli("export", "--key", "kogan2016").output
    assert not {f"{i.facet}:{i.code}" for i in library.tag_review_queue()} & {use_code, "country:AT"}
    wrong = cli("review", "tags", "--accept", "country:XX")
    assert wrong.exit_code != 0 and "not one of the country codes" in wrong.output


def _include(cli, *keys: str) -> None:
    for key in keys:
        result = cli("screen", key, "include")
        assert result.exit_code == 0, result.output


def test_review_tags_asks_only_about_studies_the_site_publishes(cli, write, library):
    """A search brings hundreds of records that do not use MIPEX: their tags wait until
    screening includes them, an excluded study's are never asked about, and a site that
    shows undecided studies asks about theirs too."""
    _import(cli, write, "a.bib", STUDIES + LATER)
    tagged = cli("tag").output  # low confidence: Austria in kogan2016, silva2020's use

    def queued() -> set[tuple[str, str]]:
        return {(i.key, f"{i.facet}:{i.code}") for i in library.tag_review_queue()}

    assert queued() == set() and library.tag_review().awaiting_screening == 2
    assert "2 proposals have low confidence, all of studies not screened yet" in tagged
    assert "tags proposed, counted over every study (3 not screened yet: the site leaves them out)" in tagged
    assert "no tags to review; 2 of studies not screened yet wait until they are included" in cli(
        "review", "tags"
    ).output
    _include(cli, "kogan2016")
    assert queued() == {("kogan2016", "country:AT")}
    assert "1 tags waiting for review; 1 of studies not screened yet wait" in cli("review", "tags", "--list").output
    (library.paths.root / "bib" / "site.toml").write_text("show_undecided = true\n", encoding="utf-8")
    assert queued() == {("kogan2016", "country:AT"), ("silva2020", "use:compares_policies")}
    assert cli("screen", "silva2020", "exclude", "--reason", "m").exit_code == 0
    assert queued() == {("kogan2016", "country:AT")} and library.tag_review().awaiting_screening == 0
    bulk = cli("review", "tags", "--accept", "use:compares_policies")
    assert "use:compares_policies: accepted for 0 studies" in bulk.output  # the excluded study is left as it was
    assert "silva2020" not in cli("review", "tags", "--list").output
