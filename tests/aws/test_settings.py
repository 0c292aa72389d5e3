"""Settings for the aws backend: each value from the highest of flag, OLISTCTL_* env,
olistctl.toml, AWS's own env and profile, Terraform outputs, default — and `config show` says
where each came from. Missing names, regions and bad files are configuration errors (exit 3)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from olistctl.errors import ConfigError, ExitCode
from olistctl.settings import RESOURCE_KEYS, SPECS, load_settings


def write_outputs(infra: Path, **values: str) -> None:
    """A saved `terraform output -json` (each value wrapped as terraform writes it)."""
    infra.mkdir(parents=True, exist_ok=True)
    wrapped = {k: {"sensitive": False, "type": "string", "value": v} for k, v in values.items()}
    (infra / "outputs.json").write_text(json.dumps(wrapped))


@pytest.fixture
def layered(tmp_path):
    """The region set at every level, so each test can take levels away from the top."""
    write_outputs(tmp_path / "infra", region="from-terraform", workgroup="wg-terraform")
    (tmp_path / "olistctl.toml").write_text('region = "from-toml"\n')
    env = {"OLISTCTL_BACKEND": "aws", "OLISTCTL_REGION": "from-olistctl-env"}
    env["AWS_REGION"] = "from-aws-env"
    return tmp_path, env


@pytest.mark.parametrize(
    ("remove", "value", "source"),
    [
        ((), "from-flag", "flag"),
        (("flag",), "from-olistctl-env", "env OLISTCTL_REGION"),
        (("flag", "OLISTCTL_REGION"), "from-toml", "olistctl.toml"),
        (("flag", "OLISTCTL_REGION", "toml"), "from-aws-env", "env AWS_REGION"),
        (("flag", "OLISTCTL_REGION", "toml", "AWS_REGION"), "from-terraform", "terraform"),
    ],
)
def test_each_level_outranks_the_ones_below(layered, remove, value, source):
    cwd, env = layered
    flags = {} if "flag" in remove else {"region": "from-flag"}
    env = {k: v for k, v in env.items() if k not in remove}
    if "toml" in remove:
        (cwd / "olistctl.toml").unlink()
    settings = load_settings(flags, env=env, cwd=cwd)
    assert (settings.get("region"), settings.source("region")) == (value, source)


def test_aws_default_region_and_the_profiles_region(tmp_path):
    env = {"OLISTCTL_BACKEND": "aws", "AWS_DEFAULT_REGION": "eu-west-1"}
    settings = load_settings(env=env, cwd=tmp_path)
    assert (settings.region, settings.source("region")) == ("eu-west-1", "env AWS_DEFAULT_REGION")

    config = tmp_path / "aws-config"
    config.write_text("[default]\nregion = us-west-2\n[profile lab]\nregion = af-south-1\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "lab"}
    settings = load_settings(env=env, cwd=tmp_path)
    assert (settings.profile, settings.source("profile")) == ("lab", "env AWS_PROFILE")
    assert (settings.region, settings.source("region")) == ("af-south-1", "aws profile")
    by_flag = load_settings(
        {"profile": "default"}, env={"AWS_CONFIG_FILE": str(config)}, cwd=tmp_path
    )
    assert by_flag.region == "us-west-2"


@pytest.mark.parametrize(
    ("content", "region"),
    [
        # botocore reads the file raw: a `%` is a character (the region is then refused by
        # name where it is used), never an interpolation error.
        (b"[default]\nregion = eu-%west-1\n", "eu-%west-1"),
        # A byte that is not UTF-8 (a Latin-1 comment): botocore refuses the file, and a
        # local command, which needs nothing from it, runs on without its region.
        (b"[default]\nregion = eu-west-1\n# caf\xe9\n", None),
    ],
)
def test_an_aws_config_file_odd_for_configparser_never_stops_a_command(
    cli, tmp_path, content, region
):
    config = tmp_path / "aws-config"
    config.write_bytes(content)
    env = {"AWS_CONFIG_FILE": str(config)}
    settings = load_settings(env=env, cwd=tmp_path)
    assert (settings.get("region"), settings.source("region")) == (
        region,
        "aws profile" if region else "default",
    )
    # Was "Unexpected InterpolationSyntaxError" / "UnicodeDecodeError … This is a bug in
    # olistctl", exit 1, for any local command.
    shown = cli("config", "show", "-o", "json", env=env)
    assert shown.exit_code == 0, shown
    assert shown.stderr == ""
    rows = {r["setting"]: r for r in json.loads(shown.stdout)}
    assert rows["region"]["value"] == region
    assert not (tmp_path / "olist-lake").exists()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://me:pa55word@127.0.0.1:4566", "http://me:****@127.0.0.1:4566"),
        ("https://me:p%40ss:word@[::1]:4566/path", "https://me:****@[::1]:4566/path"),
        ("http://me@127.0.0.1:4566", "http://me@127.0.0.1:4566"),  # no password: as given
        ("http://127.0.0.1:4566", "http://127.0.0.1:4566"),
    ],
)
@pytest.mark.parametrize("output", ["table", "json"])
def test_config_show_masks_the_password_of_an_endpoint_url(cli, url, shown, output):
    """Shown as pip and git show such URLs; the setting itself keeps it for the SDK."""
    result = cli("--endpoint-url", url, "config", "show", "-o", output)
    assert result.exit_code == 0, result
    if output == "json":
        rows = {r["setting"]: r for r in json.loads(result.stdout)}
        assert (rows["endpoint_url"]["value"], rows["endpoint_url"]["source"]) == (shown, "flag")
    else:
        assert shown in result.stdout
    assert "pa55word" not in result.stdout + result.stderr
    assert "p%40ss" not in result.stdout + result.stderr


def test_aws_endpoint_url_and_the_olistctl_one(tmp_path):
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}
    settings = load_settings(env=env, cwd=tmp_path)
    assert (settings.endpoint_url, settings.source("endpoint_url")) == (
        "http://127.0.0.1:5000",
        "env AWS_ENDPOINT_URL",
    )
    env["OLISTCTL_ENDPOINT_URL"] = "http://127.0.0.1:6000"
    assert load_settings(env=env, cwd=tmp_path).endpoint_url == "http://127.0.0.1:6000"


def test_every_resource_name_comes_from_the_saved_terraform_outputs(tmp_path):
    names = {key: f"{key}-tf" for key in (*RESOURCE_KEYS, "stack")}
    write_outputs(tmp_path / "infra", **names)
    settings = load_settings(env={"OLISTCTL_BACKEND": "aws"}, cwd=tmp_path)
    for key, value in names.items():
        assert (settings.get(key), settings.source(key)) == (value, "terraform"), key


def test_a_name_given_anywhere_else_outranks_terraform_and_the_default_does_not(tmp_path):
    write_outputs(tmp_path / "infra", database="olist_tf", workgroup="wg_tf")
    (tmp_path / "olistctl.toml").write_text('[olistctl]\nworkgroup = "wg_toml"\n')
    settings = load_settings({"backend": "aws"}, env={}, cwd=tmp_path)
    # "olist" is only the database's default: the deployed stack's name wins over it.
    assert (settings.database, settings.source("database")) == ("olist_tf", "terraform")
    assert (settings.workgroup, settings.source("workgroup")) == ("wg_toml", "olistctl.toml")


def fake_terraform(bin_dir: Path, calls: Path, outputs: dict) -> None:
    """A `terraform` on PATH that records its arguments and prints these outputs."""
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {calls}\n'
        f"cat <<'JSON'\n{json.dumps({k: {'value': v} for k, v in outputs.items()})}\nJSON\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_terraform_output_is_run_when_there_is_state_but_no_saved_copy(tmp_path, monkeypatch):
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "terraform.tfstate").write_text("{}")
    calls = tmp_path / "calls.txt"
    fake_terraform(tmp_path / "bin", calls, {"workgroup": "wg-live", "region": "eu-west-1"})
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    settings = load_settings(env={"OLISTCTL_BACKEND": "aws"}, cwd=tmp_path)
    assert (settings.workgroup, settings.source("workgroup")) == ("wg-live", "terraform")
    assert settings.region == "eu-west-1"
    assert calls.read_text().split() == [f"-chdir={infra}", "output", "-json"]


def test_the_local_backend_never_runs_terraform(tmp_path, monkeypatch):
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "terraform.tfstate").write_text("{}")
    calls = tmp_path / "calls.txt"
    fake_terraform(tmp_path / "bin", calls, {"region": "eu-west-1"})
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.backend == "local"
    assert all(v.source != "terraform" for v in settings.resolve_all().values())
    assert settings.get("region") is None
    assert not calls.exists()


def test_a_damaged_saved_output_names_the_command_that_regenerates_it(tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "outputs.json").write_text("{not json")
    settings = load_settings(env={"OLISTCTL_BACKEND": "aws"}, cwd=tmp_path)
    with pytest.raises(ConfigError) as caught:
        settings.get("workgroup")
    assert caught.value.exit_code == ExitCode.CONFIG
    assert str(caught.value).startswith(f"{tmp_path / 'infra' / 'outputs.json'} is not valid JSON")
    assert str(caught.value).endswith(
        "regenerate it with: terraform -chdir=infra output -json > infra/outputs.json"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[1, 2]", "is not the object of outputs `terraform output -json` writes"),
        (b'"raw-bucket"', "is not the object of outputs `terraform output -json` writes"),
        (b'{"region": "caf\xe9"}', "is not valid JSON ('utf-8' codec can't decode byte 0xe9"),
    ],
)
def test_a_saved_output_that_is_no_object_of_outputs_is_a_config_error(
    cli, tmp_path, content, problem
):
    """Was "Unexpected AttributeError" / "UnicodeDecodeError … This is a bug", exit 1."""
    saved = tmp_path / "infra" / "outputs.json"
    saved.parent.mkdir()
    saved.write_bytes(content)
    result = cli("--backend", "aws", "--region", "eu-west-1", "config", "show")
    assert result.exit_code == ExitCode.CONFIG, result
    assert result.stderr.startswith(f"Error: {saved} {problem}")
    assert result.stderr.endswith(
        ": regenerate it with: terraform -chdir=infra output -json > infra/outputs.json.\n"
    )
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert saved.read_bytes() == content


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("region = \n", "is not valid TOML", "fix the line it names or remove the file"),
        ('regoin = "eu-west-1"\n', "has unknown setting(s): regoin", "the settings are backend,"),
    ],
)
def test_a_bad_config_file_is_a_config_error(tmp_path, text, message, hint):
    (tmp_path / "olistctl.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(env={}, cwd=tmp_path)
    assert message in caught.value.message and caught.value.hint.startswith(hint)


def test_an_explicit_config_file_that_is_missing(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"OLISTCTL_CONFIG": str(tmp_path / "nope.toml")}, cwd=tmp_path)
    assert str(caught.value) == (
        f"The config file {tmp_path / 'nope.toml'} does not exist: check the path or drop --config"
    )


def test_a_missing_name_says_every_way_to_give_it(tmp_path):
    settings = load_settings({"backend": "aws"}, env={}, cwd=tmp_path)
    with pytest.raises(ConfigError) as caught:
        settings.require("processed_bucket")
    assert caught.value.exit_code == ExitCode.CONFIG
    assert str(caught.value) == (
        "No processed bucket is configured: pass --processed-bucket, set "
        "OLISTCTL_PROCESSED_BUCKET, add processed_bucket to olistctl.toml, or deploy infra/ so "
        "its Terraform outputs name it"
    )


# -- through the CLI -------------------------------------------------------------------------


def test_the_global_flags_set_every_resource_name(cli):
    flags = {key: f"{key}-flag" for key in (*RESOURCE_KEYS, "stack")}
    args = [a for key, value in flags.items() for a in ("--" + key.replace("_", "-"), value)]
    result = cli("--backend", "aws", "--region", "eu-west-1", *args, "config", "show", "-o", "json")
    assert result.exit_code == 0, result
    rows = {r["setting"]: r for r in json.loads(result.stdout)}
    for key, value in flags.items():
        assert (rows[key]["value"], rows[key]["source"]) == (value, "flag"), key


def test_config_show_on_aws_names_terraform_as_the_source(cli, tmp_path):
    write_outputs(tmp_path / "infra", raw_bucket="raw-tf", region="af-south-1")
    (tmp_path / "olistctl.toml").write_text('crawler = "crawler-toml"\n')
    result = cli(
        "--backend",
        "aws",
        "--workgroup",
        "wg-flag",
        "config",
        "show",
        "-o",
        "json",
        env={"OLISTCTL_DATABASE": "db_env", "AWS_PROFILE": "lab"},
    )
    assert result.exit_code == 0, result
    rows = {r["setting"]: (r["value"], r["source"]) for r in json.loads(result.stdout)}
    assert rows["raw_bucket"] == ("raw-tf", "terraform")
    assert rows["region"] == ("af-south-1", "terraform")
    assert rows["crawler"] == ("crawler-toml", "olistctl.toml")
    assert rows["database"] == ("db_env", "env OLISTCTL_DATABASE")
    assert rows["workgroup"] == ("wg-flag", "flag")
    assert rows["profile"] == ("lab", "env AWS_PROFILE")
    assert rows["function_name"] == (None, "default")


def test_the_terraform_outputs_are_read_once_per_command():
    from olistctl.settings import Settings, Value

    calls = []

    def loader():
        calls.append(1)
        return {"raw_bucket": "raw-b", "region": "eu-west-1"}

    values = {spec.key: Value(spec.default, "default") for spec in SPECS}
    values["backend"] = Value("aws", "flag")
    settings = Settings(values=values, terraform_loader=loader)
    assert settings.get("raw_bucket") == "raw-b"
    assert settings.get("region") == "eu-west-1"
    assert settings.terraform_outputs()["region"] == "eu-west-1"  # teardown's destroy reads it
    assert calls == [1]


def test_infra_dir_flag_finds_the_outputs_of_a_stack_folder_elsewhere(cli, tmp_path):
    """An infra/ that is not under the current folder: --infra-dir, or OLISTCTL_INFRA_DIR."""
    elsewhere = tmp_path / "deploy" / "stack-a"
    write_outputs(elsewhere, raw_bucket="raw-a", region="eu-west-1")
    write_outputs(tmp_path / "infra", raw_bucket="raw-here")  # the default must not win
    shown = cli("--backend", "aws", "--infra-dir", str(elsewhere), "config", "show", "-o", "json")
    assert shown.exit_code == 0, shown
    rows = {r["setting"]: (r["value"], r["source"]) for r in json.loads(shown.stdout)}
    assert rows["infra_dir"] == (str(elsewhere), "flag")
    assert rows["raw_bucket"] == ("raw-a", "terraform")
    assert rows["region"] == ("eu-west-1", "terraform")

    by_env = cli(
        "--backend",
        "aws",
        "config",
        "show",
        "-o",
        "json",
        env={"OLISTCTL_INFRA_DIR": str(elsewhere)},
    )
    rows = {r["setting"]: (r["value"], r["source"]) for r in json.loads(by_env.stdout)}
    assert rows["infra_dir"] == (str(elsewhere), "env OLISTCTL_INFRA_DIR")
    assert rows["raw_bucket"] == ("raw-a", "terraform")
