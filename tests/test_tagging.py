"""Tagging rules on texts written by the project: one test per curator's rule.

The labelled development set in ../shared/gold is for the benchmark only; these studies
are invented, each to show one rule (origin vs destination, regions, cities, demonyms,
non-MIPEX countries, languages, strand vs outcome words, use)."""

from __future__ import annotations

import shutil
import tomllib

import pytest

from tracker.phrases import PhraseMatcher
from tracker.tagging import tag_text
from tracker.vocab import FACETS, MIPEX_COUNTRIES, load_vocabulary, vocabulary_file


def _countries(title: str, abstract: str = "") -> list[str]:
    return tag_text(title, abstract).codes("country")


@pytest.mark.parametrize("facet", FACETS)
def test_every_vocabulary_file_loads_with_labels_and_phrases(facet):
    tomllib.loads(vocabulary_file(facet).read_text(encoding="utf-8"))
    vocabulary = load_vocabulary(facet)
    assert vocabulary.terms
    for term in vocabulary.terms.values():
        assert term.label and term.all_phrases(), term.code


def test_the_vocabularies_hold_exactly_the_gold_codes():
    assert sorted(load_vocabulary("country").terms) == sorted(MIPEX_COUNTRIES)
    assert len(MIPEX_COUNTRIES) == 56
    assert set(load_vocabulary("area").terms) == {
        "labour_market", "family_reunion", "education", "health", "political_participation",
        "permanent_residence", "access_to_nationality", "anti_discrimination", "overall",
    }  # fmt: skip
    assert set(load_vocabulary("use").terms) == {"explains_outcomes", "compares_policies", "measures_policy"}
    assert len(load_vocabulary("outcome").terms) == 14


def test_country_names_come_in_every_language_from_babel():
    names = load_vocabulary("country").terms["DE"].phrases["names"]
    for name in ("Germany", "Deutschland", "Allemagne", "Alemania", "Germania", "Alemanha", "Duitsland"):
        assert name in names


def test_the_matcher_prefers_the_longest_phrase_and_reads_capitals_only_in_capitals():
    matcher = PhraseMatcher([("American*", "US"), ("Latin America*", None), ("US", "US"), ("Ausländer*", "x")])
    found = [
        (m.text, m.payload) for m in matcher.find("Latin American workers in the US told us about Ausländerbehörden")
    ]
    assert found == [("Latin American", None), ("US", "US"), ("Auslanderbehorden", "x")]


def test_the_country_studied_not_the_country_of_origin():
    assert _countries("Turkish immigrants in the Netherlands and their naturalisation") == ["NL"]
    assert _countries("Afghan and Syrian refugees in Germany") == ["DE"]
    assert _countries("Labour market integration of refugees from Ukraine in Poland") == ["PL"]
    assert _countries("Returnees and their children born in the United States: integration in Mexico") == ["MX"]


def test_an_adjective_of_the_country_studied_counts():
    assert _countries("Love across the Øresund: the Danish 24-year rule and the Swedish route") == ["DK", "SE"]


def test_a_language_is_not_a_country():
    assert _countries("German language courses for refugees in Austria") == ["AT"]


def test_regions_and_many_country_designs_are_not_expanded():
    assert _countries("Integration policies and attitudes in 27 EU countries") == []
    assert _countries("Latin American migrants and welfare in OECD countries") == []


def test_a_city_or_region_named_alone_counts_for_its_country():
    assert _countries("Health care for undocumented migrants in Barcelona") == ["ES"]
    assert _countries("Naturalisation in Bavarian municipalities") == ["DE"]
    assert _countries("Sanctuary policies in California") == ["US"]
    assert _countries("Integração de imigrantes em Vila Nova de Gaia") == ["PT"]


def test_non_mipex_countries_get_no_code():
    assert _countries("Syrian refugees in Lebanon and Jordan") == ["JO"]
    assert _countries("Kenyan migrants in Uganda") == []


def test_a_passing_comparison_gets_no_code():
    assert _countries("Family reunification rules in Norway", "Norway's rules are stricter than in Canada.") == ["NO"]


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Einbürgerung in der Schweiz: kantonale Unterschiede", "CH"),
        ("La politique d'intégration en Belgique et en France", "BE"),
        ("Las leyes migratorias de Argentina y Chile", "AR"),
        ("Le politiche di integrazione in Italia", "IT"),
        ("A política de integração em Portugal", "PT"),
        ("Het integratiebeleid in Nederland", "NL"),
    ],
)
def test_countries_are_found_in_every_language(title, code):
    assert code in _countries(title)


def test_a_strand_needs_its_policy_not_an_outcome_word():
    policy = tag_text("Access to health care for undocumented migrants: entitlements in Spain and Italy")
    outcome = tag_text(
        "Integration policies and the self-rated health of immigrants",
        "Integration policy is related to self-rated health and mental health in a multilevel regression.",
    )
    assert "health" in policy.codes("area")
    assert "health" not in outcome.codes("area")
    assert outcome.codes("area") == ["overall"]
    assert "health" in outcome.codes("outcome")


@pytest.mark.parametrize(
    ("title", "area"),
    [
        ("Einbürgerung und Staatsangehörigkeitsrecht in Deutschland", "access_to_nationality"),
        ("Le regroupement familial en France", "family_reunion"),
        ("Reagrupación familiar y derecho de voto en España", "family_reunion"),
        ("Il diritto di voto degli stranieri in Italia", "political_participation"),
        ("Reconhecimento de diplomas e acesso ao mercado de trabalho", "labour_market"),
        ("Gelijke behandeling en antidiscriminatiebeleid in België", "anti_discrimination"),
    ],
)
def test_strands_are_found_in_every_language(title, area):
    assert area in tag_text(title).codes("area")


def test_a_pure_policy_analysis_measures_no_outcome():
    study = tag_text(
        "Citizenship law reform in Portugal: a legal analysis",
        "We compare the nationality law before and after the reform and assess dual citizenship rules.",
    )
    assert study.codes("outcome") == []
    assert study.codes("use") == ["compares_policies"]


def test_use_is_one_value_read_from_what_the_study_does():
    explains = tag_text(
        "Integration policies and immigrants' life satisfaction",
        "Using survey data for 30 countries, multilevel models show that inclusive policies are associated with "
        "higher life satisfaction.",
    )
    measures = tag_text(
        "Measuring integration policy: the validity of MIPEX and other indices",
        "We compare indicators, weighting and aggregation of policy indices.",
    )
    assert explains.codes("use") == ["explains_outcomes"]
    assert measures.codes("use") == ["measures_policy"]


def test_every_proposal_carries_its_evidence_and_rule():
    study = tag_text("Turkish immigrants in the Netherlands: naturalisation rates and citizenship policy")
    for proposal in study.proposals:
        assert 0 < proposal.confidence <= 1
        assert proposal.rule
    netherlands = next(p for p in study.proposals if p.facet == "country")
    assert netherlands.code == "NL" and netherlands.evidence == ["Netherlands"]


def test_the_vocab_command_lists_facets_and_synonyms():
    from click.testing import CliRunner

    from tracker.cli import main

    overview = CliRunner().invoke(main, ["vocab"])
    assert overview.exit_code == 0
    assert "country" in overview.output and "56" in overview.output
    area = CliRunner().invoke(main, ["vocab", "area"])
    assert "family_reunion  Family reunification" in area.output
    assert "Familiennachzug" in area.output
    wrong = CliRunner().invoke(main, ["vocab", "colour"])
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output


def test_tagging_many_studies_on_every_core_gives_the_same_tags_in_order():
    from tracker.synthetic import tagging_set
    from tracker.tagging import tag_many

    studies = [(title, abstract, None) for title, abstract in tagging_set(600, seed=4)]
    one_by_one = [tag_text(*study).proposals for study in studies]
    assert [t.proposals for t in tag_many(studies, processes=2)] == one_by_one
    assert [t.proposals for t in tag_many(studies[:5], processes=1)] == one_by_one[:5]


def test_places_below_the_country_and_countries_outside_mipex_are_kept_as_keywords():
    study = tag_text(
        "Integração de imigrantes em Vila Nova de Gaia", "Syrian refugees in Lebanon and migrants in Catalonia."
    )
    assert study.codes("country") == ["ES", "PT"]
    assert study.codes("place") == ["Catalonia", "Vila Nova de Gaia"]
    assert study.codes("other_country") == ["Lebanon"]


def test_a_denied_strand_does_not_count_but_a_denied_effect_is_still_an_outcome():
    study = tag_text("Not labour market access but family reunification: how Danish rules shape marriage migration")
    assert study.codes("area") == ["family_reunion"]
    null_finding = tag_text(
        "Do integration policies matter for migrant health?",
        "Multilevel models show that integration policies do not affect self-rated health once income is held "
        "constant; self-rated health differs by origin.",
    )
    assert "health" in null_finding.codes("outcome")


def test_a_synonym_added_to_a_vocabulary_file_is_used_without_code_changes(tmp_path, monkeypatch):
    from tracker import tagging, vocab

    folder = tmp_path / "vocab"
    shutil.copytree(vocab.vocabulary_file("area").parent, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "area.toml").read_text(encoding="utf-8")
    (folder / "area.toml").write_text(
        text.replace('de = ["Familiennachzug",', 'de = ["Nachzug der Kernfamilie", "Familiennachzug",'),
        encoding="utf-8",
    )
    caches = (vocab.load_vocabulary, tagging._matcher, tagging._inflected_matcher, tagging._labels)

    def fresh() -> None:
        for cached in caches:
            cached.cache_clear()

    title = "Der Nachzug der Kernfamilie in Österreich"
    fresh()
    assert "family_reunion" not in tag_text(title).codes("area")
    monkeypatch.setattr(vocab, "_FOLDER", folder)
    fresh()
    try:
        assert "family_reunion" in tag_text(title).codes("area")
    finally:
        monkeypatch.undo()
        fresh()


def test_an_outcome_phrase_is_found_in_the_plural_and_in_derived_forms():
    # the vocabulary says "intention to stay" and "perceptions of discrimination"; studies
    # write them in the plural, or in the singular
    abstract = (
        "Using a panel of 3,000 refugees, we ask how secure residence and the perception of discrimination "
        "shaped their intentions to stay. A perception of discrimination at work was associated with weaker "
        "intentions to stay."
    )
    tagging = tag_text("Secure status and the refugees who remain", abstract)
    assert {"migration", "discrimination"} <= set(tagging.codes("outcome"))
    evidence = next(p.evidence for p in tagging.proposals if p.code == "migration")
    assert evidence == ["intentions to stay", "intentions to stay"]  # in the study's own words
    # a stem alone is too loose: employers are not employment, nor is nature naturalisation
    loose = tag_text(
        "Employers and integration policy", "Survey data on employers; respondents named natural disasters."
    )
    assert not {"employment", "naturalisation"} & set(loose.codes("outcome"))


def test_an_outcome_named_with_words_between_is_found_and_a_loose_pair_is_not():
    # citizenship acquired, with the country's adjective between the two words
    naturalised = tag_text(
        "Pupils of immigrant origin and school tracking",
        "Register data on 40,000 pupils show that those who acquire Swiss citizenship before the age of 12 "
        "stay longer in the academic track; pupils who obtained Swiss citizenship later did not.",
    )
    assert "naturalisation" in naturalised.codes("outcome")
    # a policy that attracts or deters migrants: where migrants go is the outcome
    attracted = tag_text("Do generous reception conditions attract asylum seekers?")
    assert "migration" in attracted.codes("outcome")
    # refugees' intentions to work are about work, and determinants are not deterrence
    loose = tag_text(
        "Work intentions among newly arrived refugees",
        "We model the determinants of migrant health and the intentions of refugees to take up work.",
    )
    assert "migration" not in loose.codes("outcome")


def test_income_held_constant_or_required_of_a_sponsor_is_not_employment_but_an_income_gap_is():
    control = tag_text(
        "Integration policy and life satisfaction of immigrants",
        "Multilevel models of survey data show that life satisfaction is higher where policies are inclusive, "
        "controlling for income, age and education; household income matters less than expected. "
        "Sponsors must meet an income requirement before their family may join them.",
    )
    assert "wellbeing" in control.codes("outcome")
    assert "employment" not in control.codes("outcome")
    gap = tag_text(
        "Labour market policy and the income gap of refugees",
        "Register data show how the income gap between refugees and natives narrows where policies are inclusive.",
    )
    assert "employment" in gap.codes("outcome")


def test_a_long_text_is_stemmed_a_piece_at_a_time_and_loses_no_phrase(monkeypatch):
    from tracker import phrases
    from tracker.phrases import InflectedMatcher, Text

    matcher = InflectedMatcher([("intention to stay", "migration"), ("perception of discrimination", "discr")])
    sentences = [
        "Refugees' intentions to stay rose.",
        "Perceptions of discrimination fell; their intention to stay held.",
        "Nothing here: stay, intent, perceived.",
    ]
    text = Text.of(" ".join(sentences[i % 3] for i in range(60)))
    whole = [(m.start, m.end, m.text, m.payload) for m in matcher.scan(text)]
    assert len(whole) == 60  # 20 x 3 phrases, two sentences in three
    monkeypatch.setattr(phrases, "PIECE_CHARACTERS", 90)  # a few sentences a piece
    assert len(list(phrases._pieces(text.lowered))) > 20
    assert [(m.start, m.end, m.text, m.payload) for m in matcher.scan(text)] == whole
    assert all(text.cased[start:end] == found for start, end, found, _ in whole)


def test_a_star_inside_a_phrase_is_taken_in_english_and_refused_with_its_place_elsewhere(
    tmp_path, monkeypatch, cli, write
):
    from tracker import vocab

    # "model* of integration" in the area vocabulary: the plural of its first word counts too
    assert "overall" in tag_text("Models of integration compared in Nordic countries").codes("area")
    folder = tmp_path / "vocab"
    shutil.copytree(vocab.vocabulary_file("area").parent, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "use.toml").read_text(encoding="utf-8")
    (folder / "use.toml").write_text(text.replace('"effets des politiques"', '"effet* des politiques"'), "utf-8")
    # nor in the facets and files the tagger does not inflect: countries, screening's rules
    text = (folder / "country.toml").read_text(encoding="utf-8")
    (folder / "country.toml").write_text(text.replace('en = ["Austrian*"]', 'en = ["Austrian* of Vienna"]', 1), "utf-8")
    text = (folder / "screening.toml").read_text(encoding="utf-8")
    (folder / "screening.toml").write_text(text.replace('"legislation",', '"legislation* on asylum",', 1), "utf-8")
    monkeypatch.setattr(vocab, "_FOLDER", folder)
    from tracker.screening import prior, vocabulary

    caches = (vocab.load_vocabulary, vocabulary.screening_vocabulary, prior._families)
    for cached in caches:
        cached.cache_clear()
    try:
        with pytest.raises(vocab.VocabularyError, match=r"use\.toml: \[explains_outcomes\] fr: 'effet\* des"):
            vocab.load_vocabulary("use")
        with pytest.raises(vocab.VocabularyError, match=r"country\.toml: \[AT\] en: 'Austrian\* of Vienna'"):
            vocab.load_vocabulary("country")
        with pytest.raises(vocab.VocabularyError, match=r"screening\.toml: \[prior\.policy\]: 'legislation\* on"):
            prior.prior_score("Asylum law")
        # and a command says so in one line, not a traceback
        assert cli("import", str(write("one.bib", "@article{one, title={Asylum law in Austria}}\n"))).exit_code == 0
        for command in (("screen", "--list"), ("vocab", "country")):
            result = cli(*command)
            assert result.exit_code == 1 and "Traceback" not in result.output, result.output
            assert "a * inside a phrase works only in the English phrases" in result.output
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()


def test_no_phrase_is_found_across_two_sentences():
    matcher = PhraseMatcher(
        [("immigrant integration polic*", "overall"), ("integration polic*", "overall"), ("U.S.", "US")]
    )
    found = [m.text for m in matcher.find("What makes a satisfied immigrant? Integration policies in the U.S. matter.")]
    assert found == ["Integration policies", "U S"]


def test_a_publishers_notice_and_a_species_name_are_not_countries_studied():
    abstract = (
        "We follow the wintering of Geothlypis formosa in mangrove forests over ten seasons. "
        "© 2019 Springer-Verlag GmbH Germany, part of Springer Nature."
    )
    assert tag_text("Wintering warblers in mangroves", abstract).codes("country") == []
    assert tag_text("Refugees in Turkey", "Interviews in Istanbul and Izmir.").codes("country") == ["TR"]
    assert tag_text("ASYLUM POLICY IN TURKEY").codes("country") == ["TR"]  # capitals only: the case says nothing


def test_an_outcome_named_in_other_words_is_found_by_two_words_near_each_other():
    tagging = tag_text(
        "Local elections and attitudes toward newly arrived refugees",
        "Municipal survey data show how attitudes toward newly arrived refugees shifted after the vote; "
        "we relate the shift to integration policies.",
    )
    assert "public_attitudes" in tagging.codes("outcome")
    evidence = next(p.evidence for p in tagging.proposals if p.code == "public_attitudes")
    assert any("refugees" in phrase and "attitudes" in phrase for phrase in evidence)
    unrelated = tag_text(
        "Attitudes of teachers", "Teachers' attitudes to homework. Migration of birds is another topic."
    )
    assert "public_attitudes" not in unrelated.codes("outcome")


def test_a_place_word_inside_a_phrase_of_another_facet_is_not_a_place():
    tagging = tag_text(
        "Family Reunion Policies in Europe",
        "The Family Reunion Directive sets the rules. Elsewhere, migrants in Réunion face French law.",
    )
    others = [(p.facet, p.code) for p in tagging.proposals if p.facet == "other_country"]
    assert others == [("other_country", "Réunion")]  # once: the island, not the policy area
    assert ("area", "family_reunion") in [(p.facet, p.code) for p in tagging.proposals]


def test_an_outcome_word_inside_a_phrase_that_names_a_policy_is_the_policy():
    study = tag_text(
        "Reception and integration: refugees' access to health care in Greece",
        "We trace how access to health care, schooling and work was granted to refugees in Greece "
        "after 2015, and how the health care system and universal health care rules changed.",
    )
    assert "health" in study.codes("area")
    assert "health" not in study.codes("outcome")


def test_who_is_studied_is_not_what_is_measured():
    """"Undocumented" and "irregular migrants" say who the study is about."""
    study = tag_text(
        "Undocumented migrants and the labour market in Spain",
        "We follow undocumented migrants and irregular migrants in Spain and measure their employment "
        "and wages; undocumented workers earn less.",
    )
    assert "vulnerability" not in study.codes("outcome")


def test_a_study_of_measuring_policy_has_no_outcome_even_one_named_in_its_title():
    study = tag_text(
        "Measuring health policy for migrants: validating an index of integration policy",
        "We validate an index of integration policy against expert ratings; the index measures health "
        "policy for migrants and its scores are compared with other indices.",
    )
    assert study.codes("use") == ["measures_policy"]
    assert study.codes("outcome") == []


def test_the_strands_of_the_index_listed_once_each_are_the_index_as_a_whole():
    """An abstract that lists the eight strands is about the index, not about each strand
    (anti-discrimination is no more singled out for being said by its own name)."""
    study = tag_text(
        "Integration policies in Latin America: a comparison with MIPEX",
        "MIPEX scores labour market mobility, family reunification, education, health, political "
        "participation, permanent residence, access to nationality and anti-discrimination. We compare "
        "the integration policies of six countries with it.",
    )
    assert study.codes("area") == ["overall"]
