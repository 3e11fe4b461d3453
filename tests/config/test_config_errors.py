"""Each kind of mistake is reported at file:line:column with its field path and a hint."""

from __future__ import annotations

from ccctl.config import ConfigError, load_config
from tests.config.config_helpers import MINIMAL, Write, only_problem, position, problems_of


def test_given_a_misspelt_key_then_the_error_points_at_it_and_suggests_the_right_one(
    write: Write,
) -> None:
    text = MINIMAL.replace("    skills: {vaxel: 1}",
                           "    skills: {vaxel: 1}\n    wrapup_seconds: 5")
    path = write("ccctl.yaml", text)

    problem = only_problem(path)

    assert (problem.file, (problem.line, problem.column)) == (path, position(text, "wrapup"))
    assert problem.path == "queues[0].wrapup_seconds"
    assert problem.message == "unknown key 'wrapup_seconds'"
    assert problem.hint == "did you mean 'wrap_up_seconds'?"


def test_given_an_unknown_key_unlike_any_field_then_the_hint_lists_the_allowed_keys(
    write: Write,
) -> None:
    text = MINIMAL.replace("  name: Testkommun", "  name: Testkommun\n  colour: blue")
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path == "site.colour"
    assert problem.hint == "allowed keys: name, languages, default_language, timezone"


def test_given_a_value_out_of_range_then_the_error_gives_the_bound_and_the_value(
    write: Write,
) -> None:
    text = MINIMAL.replace("    skills: {vaxel: 1}", "    skills: {vaxel: 1}\n"
                           "    service_level: {percent: 120, within_seconds: 20}")
    path = write("queues.yaml", text)

    problem = only_problem(path)

    assert (problem.line, problem.column) == position(text, "120")
    assert problem.path == "queues[0].service_level.percent"
    assert str(problem) == (
        f"{path}:{problem.line}:{problem.column}: queues[0].service_level.percent: "
        "must be at most 100 (got 120) — hint: Share of calls to answer in time, %"
    )


def test_given_a_skill_level_above_five_then_the_error_names_the_scale(write: Write) -> None:
    text = MINIMAL.replace("skills: {vaxel: 3}", "skills: {vaxel: 6}")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "6}")
    assert problem.path == "agents[0].skills.vaxel"
    assert problem.message == "must be at most 5 (got 6)"
    assert "1 (basic) to 5 (expert)" in problem.hint


def test_given_a_missing_required_key_then_the_error_points_at_its_mapping(write: Write) -> None:
    text = MINIMAL.replace("    name: Agda Påhittad\n", "")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "id: agda")
    assert problem.path == "agents[0].name"
    assert problem.message == "required key 'name' is missing"


def test_given_an_id_with_capitals_then_the_hint_explains_what_an_id_may_hold(
    write: Write,
) -> None:
    text = MINIMAL.replace("  - id: agda", "  - id: Agda")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "Agda")
    assert problem.message == "'Agda' is not valid here"
    assert "lower-case" in problem.hint


def test_given_a_bad_skill_key_then_the_error_points_at_the_key(write: Write) -> None:
    text = MINIMAL.replace("skills: {vaxel: 3}", "skills: {vaxel: 3, Växel Två: 2}")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "Växel Två")
    assert problem.path == "agents[0].skills.Växel Två"


def test_given_an_unknown_device_then_the_error_lists_the_choices(write: Write) -> None:
    text = MINIMAL.replace('    extension: "2001"', '    extension: "2001"\n    device: dect')
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "dect")
    assert problem.message == "must be one of sip, webrtc (got 'dect')"


def test_given_a_scalar_where_a_mapping_belongs_then_the_hint_lists_its_keys(
    write: Write,
) -> None:
    text = MINIMAL.replace("destination: {queue: vaxel}", "destination: vaxel")
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.path == "entry_points[0].destination"
    assert problem.message == "must be a mapping (key: value lines)"
    assert problem.hint == "allowed keys: queue"


def test_given_a_default_language_not_offered_then_the_error_points_at_it(write: Write) -> None:
    text = MINIMAL.replace("default_language: sv", "default_language: fi")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "fi")
    assert problem.path == "site.default_language"
    assert problem.message == "default_language 'fi' is not one of languages ['sv', 'en']"


def test_given_a_model_rule_across_keys_broken_then_its_explanation_is_the_message(
    write: Write,
) -> None:
    text = MINIMAL + "pbx:\n  rtp_start: 20000\n  rtp_end: 10000\n"
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "rtp_start")
    assert problem.path == "pbx"
    assert problem.message == "rtp_end must be above rtp_start"


def test_given_several_mistakes_then_all_are_reported_in_file_order(write: Write) -> None:
    text = (MINIMAL.replace("skills: {vaxel: 3}", "skills: {vaxel: 9}")
            .replace("  name: Testkommun", "  name: Testkommun\n  nmae: x"))
    path = write("ccctl.yaml", text)

    problems = problems_of(path)

    assert [p.path for p in problems] == ["site.nmae", "agents[0].skills.vaxel"]
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_given_a_config_error_then_its_text_has_one_compiler_style_line_per_problem(
    write: Write,
) -> None:
    text = MINIMAL.replace("skills: {vaxel: 3}", "skills: {vaxel: 0}").replace(
        "    skills: {vaxel: 1}", "    skills: {vaxel: 1}\n    priority: 101")
    path = write("ccctl.yaml", text)

    try:
        load_config(path)
    except ConfigError as error:
        lines = str(error).splitlines()
    else:
        raise AssertionError("expected a ConfigError")

    line, column = position(text, "0}")
    assert lines[0] == (f"{path}:{line}:{column}: agents[0].skills.vaxel: must be at least 1 "
                        "(got 0) — hint: Skill level 1 (basic) to 5 (expert)")
    assert lines[1].startswith(f"{path}:{position(text, '101')[0]}:")
    assert len(lines) == 2


def test_given_invalid_yaml_then_the_error_points_at_the_syntax_problem(write: Write) -> None:
    text = MINIMAL.replace("  languages: [sv, en]", "  languages: [sv, en")
    problem = only_problem(write("ccctl.yaml", text))

    assert problem.message.startswith("invalid YAML")
    assert problem.line >= position(text, "languages")[0]


def test_given_an_empty_file_then_the_missing_sections_are_reported(write: Write) -> None:
    path = write("ccctl.yaml", "# nothing yet\n")

    problems = problems_of(path)

    assert {p.path for p in problems} == {"site", "queues", "entry_points"}
    assert all((p.file, p.line, p.column) == (path, 1, 1) for p in problems)


def test_given_a_single_value_where_a_list_belongs_then_the_hint_shows_list_syntax(
    write: Write,
) -> None:
    text = MINIMAL.replace("languages: [sv, en]", "languages: sv")
    problem = only_problem(write("ccctl.yaml", text))

    assert (problem.line, problem.column) == position(text, "sv\n")
    assert problem.path == "site.languages"
    assert problem.message == "must be a list"
    assert problem.hint == "write '[a, b]' or one '- item' per line"


def test_given_a_file_that_is_a_list_then_the_error_says_it_must_be_a_mapping(
    write: Write,
) -> None:
    problem = only_problem(write("ccctl.yaml", "- site\n- queues\n"))

    assert (problem.line, problem.column) == (1, 1)
    assert problem.message.startswith("the top level of a config file must be a mapping")


def test_given_a_file_that_is_not_utf8_then_the_error_says_it_cannot_be_read(
    write: Write,
) -> None:
    path = write("ccctl.yaml", "")
    path.write_bytes(MINIMAL.replace("Påhittad", "P\xe5hittad").encode("latin-1"))

    assert only_problem(path).message.startswith("cannot read the file")
