"""The provider-mirror finder and CLI config the terraform tests rely on."""

from __future__ import annotations

import tfhelpers


def _mirror(root):
    (root / tfhelpers.PROVIDER / "5.100.0" / "linux_amd64").mkdir(parents=True)
    return root


def test_env_variable_wins(tmp_path):
    forced = _mirror(tmp_path / "forced")
    searched = _mirror(tmp_path / "opt" / "plugins")
    env = {tfhelpers.MIRROR_ENV: str(forced)}
    assert tfhelpers.find_provider_mirror(env, roots=(tmp_path / "opt",)) == forced
    assert tfhelpers.find_provider_mirror({}, roots=(tmp_path / "opt",)) == searched


def test_env_variable_without_the_provider_finds_nothing(tmp_path):
    _mirror(tmp_path / "opt" / "plugins")
    env = {tfhelpers.MIRROR_ENV: str(tmp_path / "empty")}
    assert tfhelpers.find_provider_mirror(env, roots=(tmp_path / "opt",)) is None


def test_search_goes_a_few_levels_deep_and_no_further(tmp_path):
    roots = (tmp_path / "missing", tmp_path / "share")
    assert tfhelpers.find_provider_mirror({}, roots=roots) is None
    deep = _mirror(tmp_path / "share" / "a" / "b" / "c")
    assert tfhelpers.find_provider_mirror({}, roots=roots) == deep
    _mirror(tmp_path / "share2" / "a" / "b" / "c" / "d")
    assert tfhelpers.find_provider_mirror({}, roots=(tmp_path / "share2",)) is None


def test_cli_config_installs_hashicorp_providers_from_the_mirror_only(tmp_path):
    mirror = _mirror(tmp_path / "m")
    text = tfhelpers.offline_cli_config(tmp_path / "cfg", mirror).read_text()
    assert f'path    = "{mirror}"' in text
    include, exclude = text.split("direct")
    assert 'include = ["registry.terraform.io/hashicorp/*"]' in include
    assert 'exclude = ["registry.terraform.io/hashicorp/*"]' in exclude


def test_copy_infra_leaves_state_and_builds_behind(tmp_path):
    source = tmp_path / "infra"
    (source / ".terraform" / "providers").mkdir(parents=True)
    (source / "build").mkdir()
    for name in ("main.tf", "README.md", "terraform.tfstate", "terraform.tfstate.backup"):
        (source / name).write_text("x")
    (source / "terraform.tfvars.json").write_text("{}")
    (source / "build" / "olistctl_lambda.zip").write_text("zip")
    copy = tfhelpers.copy_infra(tmp_path / "copy", source)
    assert sorted(p.name for p in copy.iterdir()) == ["README.md", "main.tf"]
