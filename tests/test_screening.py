"""Screening: which studies use MIPEX. Evidence includes, curators decide, nothing else
excludes; only included studies reach the site and the digest; answers survive every
re-run and rebuild, and each can be taken back (both stores, see conftest). Texts are the
project's own."""

from __future__ import annotations

import json

from tests.conftest import drop_store
from tracker.screening.learner import Learner
from tracker.screening.prior import prior_score
from tracker.screening.vocabulary import mipex_evidence, parse_reason
from tracker.tagging import tag_text

STUDIES = r"""
@article{named2021,
  author = {Okafor, Chidi}, year = {2021}, journal = {Comparative Migration Studies},
  title = {Labour market integration policies and the employment of refugees},
  abstract = {Linking MIPEX 2020 scores to survey data from 25 countries, we relate labour market
              policies to the employment of refugees.}
}
@article{unnamed2022,
  author = {Lindqvist, Maja}, year = {2022}, journal = {Journal of European Social Policy},
  title = {Naturalisation rules and the civic participation of immigrants in Europe},
  abstract = {Comparing the citizenship laws of eighteen European countries, we ask whether easier
              naturalisation goes with more civic participation among immigrants.}
}
@article{birds2020,
  author = {Tamm, Kaarel}, year = {2020}, journal = {Journal of Avian Biology},
  title = {Autumn passage of warblers across the Baltic},
  abstract = {Ringing data from three stations show earlier passage of warblers in warm autumns.}
}
"""


def _import(cli, write, name="a.bib", text=STUDIES):  # type: ignore[no-untyped-def]
    result = cli("import", str(write(name, text)))
    assert result.exit_code == 0, result.output


def _status(library, key):  # type: ignore[no-untyped-def]
    return library.views([key])[0].screening


# -- the pure parts ---------------------------------------------------------------------------


def test_the_index_named_in_any_language_or_edition_is_evidence_and_nothing_else_is():
    assert mipex_evidence(["Scores of the MIPEX-R for Italian regions"]) == ("MIPEX",)
    assert mipex_evidence(["El Índice de Políticas de Integración de Migrantes de 2020"])
    assert mipex_evidence(["the Migrant Integration Policy Index (2015)"])
    assert mipex_evidence(["Integration policies compared across Europe", "mipexology"]) == ()


def test_the_rules_put_migration_policy_studies_far_above_other_fields():
    policy = prior_score("Integration policies and the health of immigrants in 20 European countries")
    migrants = prior_score("Refugees' experiences of waiting in reception centres")
    birds = prior_score("Bird migration in boreal forests and the integration of radar data")
    assert policy.score > migrants.score > 0.05 > birds.score
    assert "about migrants" in policy.reasons
    assert birds.reasons == ("about animals or plants (their migration is not people's)",)
    # ecology calls birds "migrants" too, beside policy words and countries: the species
    # and the habitat say whose migration it is
    flyway = prior_score(
        "Long-distance migrants at stopover sites: how wetland policy in six countries shapes the "
        "habitat of wader species"
    )
    assert flyway.score < 0.05 < migrants.score
    assert "about animals or plants (their migration is not people's)" in flyway.reasons
    # each language's words are its own: the Italian "politica" is policy, English "politics" is not
    assert prior_score("Political theory and the politics of recognition").reasons == ()
    assert "about policy, law or rights" in prior_score("La politica migratoria italiana").reasons


def test_the_learner_ranks_a_study_like_the_included_ones_first_and_says_which_words():
    texts = [
        "integration policy index scores and immigrant employment across countries",
        "citizenship policy and immigrant naturalisation across european countries",
        "bowel disease outcomes in a hospital cohort",
        "colon surgery outcomes in a hospital cohort",
        "policy scores for immigrant integration and their employment across countries",  # undecided
        "hospital cohort of bowel surgery",  # undecided
    ]
    learner = Learner(texts)
    learner.train({0: True, 1: True, 2: False, 3: False})
    first, second = learner.scores([4, 5])
    assert first > second
    reasons = learner.explain(4, float(first)).reasons
    assert reasons == () or any(word in " ".join(reasons) for word in ("immigrant", "countries", "employment"))


def test_a_reason_is_a_code_a_key_its_words_or_the_curators_own():
    assert parse_reason("m") == ("no_mipex", "")
    assert parse_reason("not about migration") == ("not_migration", "")
    assert parse_reason("not_a_study: an erratum") == ("not_a_study", "an erratum")
    assert parse_reason("a conference poster") == ("other", "a conference poster")


def test_overall_is_proposed_on_evidence_only_never_as_a_default():
    assert "overall" not in tag_text("Autumn passage of warblers", "Ringing data show earlier passage.").codes("area")
    assert tag_text("Refugees in Sweden", "We use MIPEX scores for Sweden.").codes("area") == ["overall"]


# -- on a library ------------------------------------------------------------------------------


def test_naming_mipex_includes_the_rest_waits_and_status_counts_them(cli, write, library):
    _import(cli, write)
    named = _status(library, "named2021")
    assert (named.status, named.origin, named.evidence) == ("included", "auto", ("MIPEX",))
    assert _status(library, "unnamed2022").status == "undecided"
    assert _status(library, "birds2020").status == "undecided"
    shown = cli("status").output
    assert "included" in shown and "undecided" in shown and "2 studies wait for screening" in shown
    listing = cli("screen", "--list").output
    assert listing.index("unnamed2022") < listing.index("birds2020")  # the migration study first
    assert "why: about migrants" in listing


def test_a_curators_answer_is_logged_survives_reruns_and_rebuilds_and_can_be_taken_back(
    cli, write, library, library_dir, db_url
):
    _import(cli, write)
    result = cli("screen", "named2021", "exclude", "--reason", "not_a_study: an erratum")
    assert result.exit_code == 0
    assert "excluded (not a study (front matter, erratum, notice): an erratum)" in result.output
    assert cli("screen", "unnamed2022", "include").exit_code == 0
    decisions = json.loads((library_dir / "bib" / "decisions.json").read_text())["decisions"]
    assert [d["values"].get("status") for d in decisions if d["action"] == "screen"] == ["excluded", "included"]
    for rerun in (("tag", "--all"), ("dedupe", "--all")):  # automation never undoes a curator
        assert cli(*rerun).exit_code == 0
    _import(cli, write, "again.bib", STUDIES.replace("named2021", "named2021copy"))  # MIPEX named again
    assert _status(library, "named2021").status == "excluded"
    drop_store(library_dir, db_url)
    assert _status(library, "named2021").status == "excluded"
    assert _status(library, "unnamed2022").status == "included"
    cli("tag", "named2021", "+country:DE")
    shown = cli("show", "named2021").output  # excluded, not lost, and why
    assert "records:" in shown and "mipex-screening: excluded" in shown
    assert "screening: excluded by a curator (not a study (front matter, erratum, notice): an erratum)" in shown
    assert "tags changed by a curator" in shown and "judged different works" not in shown
    assert "taken back: included" in cli("screen", "--undo").output
    assert _status(library, "unnamed2022").status == "undecided"
    assert cli("screen", "named2021", "include").exit_code == 0  # included again
    assert _status(library, "named2021").status == "included"


def test_only_included_studies_are_published_and_proposed_for_the_digest(cli, write, library):
    _import(cli, write)
    library.tag()
    library.build()
    site = library.paths.root / "site"
    assert (site / "studies" / "named2021" / "index.html").exists()
    assert not (site / "studies" / "birds2020").exists() and not (site / "studies" / "unnamed2022").exists()
    assert "birds2020" not in (site / "downloads" / "library.bib").read_text()
    assert "Autumn passage" not in (site / "feeds" / "studies.atom.xml").read_text()
    issue = library.digests.new("2026-11")
    assert [e.key for e in issue.entries] == ["named2021"]
    (library.paths.bib / "site.toml").write_text("show_undecided = true\n")
    library.build()
    page = (site / "studies" / "birds2020" / "index.html").read_text()
    assert "Not screened yet" in page
    assert "not screened yet" in (site / "studies" / "index.html").read_text()


def test_an_excluded_study_has_no_policy_area_and_no_use(cli, write, library):
    _import(cli, write)
    library.tag()
    assert library.views(["named2021"])[0].tags.get("use")
    library.screen("named2021", "exclude", "m")
    tags = library.views(["named2021"])[0].tags
    assert "area" not in tags and "use" not in tags and tags.get("outcome") is not None


def test_bulk_exclusion_names_its_threshold_counts_and_is_taken_back_whole(cli, write, library):
    _import(cli, write)
    result = cli("screen", "--exclude-below", "0.05")
    assert result.exit_code == 0 and "excluded 1 undecided studies scoring below 0.05" in result.output
    assert _status(library, "birds2020").status == "excluded"
    assert _status(library, "unnamed2022").status == "undecided"  # above the threshold: waits for a curator
    assert cli("screen", "--exclude-below", "5").exit_code != 0
    assert "taken back: excluded of 1 studies (birds2020)" in cli("screen", "--undo").output
    assert _status(library, "birds2020").status == "undecided"
    assert "no screening answer to take back" in cli("screen", "--undo").output


def test_the_queue_takes_one_key_per_answer_saved_at_once(cli, write, library):
    _import(cli, write)
    result = cli("screen", input="mk")  # the first excluded (migration, no MIPEX), the next skipped
    assert result.exit_code == 0, result.output
    assert "score" in result.output and "1 answered" in result.output
    assert _status(library, "unnamed2022").status == "excluded"
    assert _status(library, "unnamed2022").reason == "no_mipex"
    assert _status(library, "birds2020").status == "undecided"


def test_screening_mistakes_are_one_line_messages(cli, write, library):
    _import(cli, write)
    unknown = cli("screen", "nosuchkey", "include")
    assert unknown.exit_code != 0 and "no study with key 'nosuchkey'" in unknown.output
    assert "Traceback" not in unknown.output
    missing = cli("screen", "named2021")
    assert missing.exit_code != 0 and "include or exclude" in missing.output
