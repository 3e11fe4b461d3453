"""YAML features that surprise administrators are either read as written or rejected."""

from __future__ import annotations

from ccctl.config import load_config
from tests.config.config_helpers import MINIMAL, Write, only_problem, position


def test_given_an_unquoted_extension_with_a_leading_zero_then_it_is_kept_as_written(
    write: Write,
) -> None:
    # YAML 1.1 reads 0700 as the octal number 448 and 0800 as text.
    text = MINIMAL.replace('extension: "2001"', "extension: 0700")

    config = load_config(write("ccctl.yaml", text))

    assert config.agents[0].extension == "0700"


def test_given_an_unquoted_plain_extension_then_it_is_accepted_as_text(write: Write) -> None:
    text = MINIMAL.replace('extension: "2001"', "extension: 2001")

    assert load_config(write("ccctl.yaml", text)).agents[0].extension == "2001"


def test_given_unquoted_numbers_with_plus_and_zero_then_both_keep_every_character(
    write: Write,
) -> None:
    text = MINIMAL.replace('numbers: ["+46846500410"]', "numbers: [+46846500410, 0846500410]")

    config = load_config(write("ccctl.yaml", text))

    assert config.entry_points[0].numbers == ("+46846500410", "0846500410")


def test_given_norwegian_written_as_no_then_it_is_a_language_not_false(write: Write) -> None:
    text = (MINIMAL.replace("languages: [sv, en]", "languages: [sv, en, no]")
            .replace("    groups: [kontaktcenter]", "    groups: [kontaktcenter]\n"
                     "    languages: [no]"))

    config = load_config(write("ccctl.yaml", text))

    assert config.site.languages == ("sv", "en", "no")
    assert config.agents[0].languages == ("no",)


def test_given_a_skill_level_written_with_a_leading_zero_then_it_is_read_as_decimal(
    write: Write,
) -> None:
    text = MINIMAL.replace("    skills: {vaxel: 1}", "    skills: {vaxel: 1}\n"
                           "    wrap_up_seconds: 010")

    assert load_config(write("ccctl.yaml", text)).queues[0].wrap_up_seconds == 10


def test_given_yes_and_no_for_a_boolean_then_they_mean_true_and_false(write: Write) -> None:
    text = MINIMAL + "trunks:\n  - id: operator\n    match: [192.0.2.10/32]\n    auth: no\n"

    assert load_config(write("ccctl.yaml", text)).trunks[0].auth is False


def test_given_an_extension_written_as_a_time_then_it_stays_text_and_fails_the_pattern(
    write: Write,
) -> None:
    # YAML 1.1 reads 20:01 as the base-60 number 1201.
    text = MINIMAL.replace('extension: "2001"', "extension: 20:01")
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.message == "'20:01' is not valid here"
    assert problem.hint == "Internal extension, 2-8 digits"


def test_given_a_key_written_twice_in_one_mapping_then_the_second_is_an_error(
    write: Write,
) -> None:
    text = MINIMAL.replace("    skills: {vaxel: 3}\n", "    skills: {vaxel: 3}\n"
                           "    skills: {vaxel: 5}\n")
    path = write("ccctl.yaml", text)

    problem = only_problem(path)

    first_line = position(text, "skills: {vaxel: 3}")[0]
    assert (problem.line, problem.column) == position(text, "skills: {vaxel: 5}")
    assert problem.message == f"key 'skills' is written twice in this mapping " \
                              f"(first on line {first_line})"
    assert "silently keep only the last" in problem.hint


def test_given_a_duplicate_key_in_a_flow_mapping_then_it_is_an_error(write: Write) -> None:
    text = MINIMAL.replace("skills: {vaxel: 3}", "skills: {vaxel: 3, vaxel: 4}")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "vaxel: 4")


def test_given_a_merge_key_then_it_is_rejected_with_a_hint(write: Write) -> None:
    text = MINIMAL.replace("queues:\n  - id: vaxel\n", "queues:\n  - id: vaxel\n"
                           "    <<: {priority: 5}\n")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "<<")
    assert "merge keys" in problem.message


def test_given_a_python_tag_then_it_is_rejected(write: Write) -> None:
    text = MINIMAL.replace("name: Testkommun", "name: !!python/str Testkommun")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "!!python")
    assert "tag" in problem.message


def test_given_two_documents_in_one_file_then_the_second_is_an_error(write: Write) -> None:
    text = MINIMAL + "---\nsite: {name: Annan}\n"
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.line == position(text, "site: {name: Annan}")[0]
    assert "one YAML document" in problem.message


def test_given_anchors_and_aliases_then_the_alias_gets_the_anchored_value(write: Write) -> None:
    text = (MINIMAL.replace("languages: [sv, en]", "languages: &both [sv, en]")
            .replace("    groups: [kontaktcenter]", "    groups: [kontaktcenter]\n"
                     "    languages: *both"))

    assert load_config(write("ccctl.yaml", text)).agents[0].languages == ("sv", "en")
