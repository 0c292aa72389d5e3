"""Settings: every value with the place it came from.

Precedence, highest first (the README's Settings section says it for users):

1. a command-line flag
2. an ``OLISTCTL_*`` environment variable
3. ``olistctl.toml`` (in the current folder, or ``--config`` / ``OLISTCTL_CONFIG``)
4. AWS's own environment and profile (``AWS_PROFILE``, ``AWS_REGION`` /
   ``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL``, the profile's ``region``)
5. the Terraform outputs of ``infra/`` (a saved ``terraform output -json``
   copy at ``infra/outputs.json``, or ``terraform output -json`` itself)
6. the default

Only the stack's resource names are looked up in Terraform's outputs, and only
when a value is still missing and the aws backend asks for it, so the local
backend never runs terraform.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from olistctl.errors import ConfigError
from olistctl.user_home import expand

CONFIG_FILE_NAME = "olistctl.toml"
ENV_PREFIX = "OLISTCTL_"
DEFAULT_WORKSPACE = "olist-lake"
DEFAULT_REGION = "us-east-1"
# Resource names that the aws backend needs; Terraform outputs use the same keys.
RESOURCE_KEYS: tuple[str, ...] = (
    "raw_bucket",
    "processed_bucket",
    "results_bucket",
    "function_name",
    "database",
    "crawler",
    "workgroup",
)
STACK_TAG_KEY = "olistctl:stack"
# Where the aws backend runs transforms: the stack's Lambda function, or this process.
RUNNERS = ("lambda", "local")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    help: str
    default: str | None = None
    # AWS's own environment variables, read at level 4.
    aws_env: tuple[str, ...] = ()
    from_terraform: bool = False
    # A URL, which may carry a password (http://user:secret@host): masked wherever shown.
    url: bool = False

    def shown(self, value: str | None) -> str | None:
        """``value`` as output may show it."""
        return without_password(value) if self.url and value else value


# scheme://user:password@ in a URL, wherever it is in a text (botocore's messages quote it).
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*):[^/\s@]*@")


def without_password(text: str) -> str:
    """``text`` with the password of every URL's user part masked, as pip shows URLs."""
    return _URL_PASSWORD.sub(r"\1:****@", text)


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("backend", "where the pipeline runs: local or aws", "local"),
    SettingSpec(
        "workspace", "local backend: folder that stands in for the buckets", DEFAULT_WORKSPACE
    ),
    SettingSpec("profile", "AWS named profile", None, aws_env=("AWS_PROFILE",)),
    SettingSpec(
        "region",
        "AWS region (also prices the local backend's cost report)",
        None,
        aws_env=("AWS_REGION", "AWS_DEFAULT_REGION"),
        from_terraform=True,
    ),
    SettingSpec(
        "endpoint_url",
        "an AWS-compatible endpoint (moto, LocalStack) instead of AWS",
        None,
        aws_env=("AWS_ENDPOINT_URL",),
        url=True,
    ),
    SettingSpec("raw_bucket", "S3 bucket for the raw CSVs", None, from_terraform=True),
    SettingSpec("processed_bucket", "S3 bucket for the Parquet files", None, from_terraform=True),
    SettingSpec("results_bucket", "S3 bucket for Athena results", None, from_terraform=True),
    SettingSpec("function_name", "the transform Lambda function", None, from_terraform=True),
    SettingSpec(
        "database",
        "Glue database (local: the name SQL may qualify tables with)",
        "olist",
        from_terraform=True,
    ),
    SettingSpec("crawler", "Glue crawler over the processed bucket", None, from_terraform=True),
    SettingSpec("workgroup", "Athena workgroup", None, from_terraform=True),
    SettingSpec(
        "stack", "value of the olistctl:stack tag the teardown requires", None, from_terraform=True
    ),
    SettingSpec(
        "crawler_log_group",
        "the Glue crawler's CloudWatch log group (the stack's own; teardown empties it)",
        None,
        from_terraform=True,
    ),
    SettingSpec("infra_dir", "the Terraform configuration of the stack", "infra"),
    SettingSpec("runner", "aws backend: where transforms run, lambda or local", "lambda"),
    SettingSpec(
        "lambda_memory_mb",
        "Lambda memory in MB that the cost report prices local transforms at"
        " (aws reads the function's own)",
        "1024",
    ),
)
SPECS_BY_KEY = {s.key: s for s in SPECS}
# The settings that name a part of the aws stack: the local backend has no use for them
# (it names its catalog's database too).
STACK_ONLY = (
    *(key for key in RESOURCE_KEYS if key != "database"),
    "stack",
    "crawler_log_group",
    "infra_dir",
)


@dataclass(frozen=True)
class Value:
    value: str | None
    source: str  # "flag", "env OLISTCTL_X", "olistctl.toml", "AWS_REGION", "terraform", "default"


@dataclass
class Settings:
    """Resolved settings. Read values with ``settings.get(key)`` or attributes."""

    values: dict[str, Value]
    terraform_loader: Callable[[], Mapping[str, Any]] | None = field(default=None, repr=False)
    _terraform_done: bool = field(default=False, repr=False)
    _outputs: Mapping[str, Any] | None = field(default=None, repr=False)

    def _from_terraform(self, key: str) -> bool:
        """Terraform outranks only defaults, and is read only for the aws backend, so the
        local backend never runs terraform."""
        current = self.values[key]
        return (
            SPECS_BY_KEY[key].from_terraform
            and (current.value is None or current.source == "default")
            and self.values["backend"].value == "aws"
        )

    def _resolve_terraform(self) -> None:
        if self._terraform_done or self.terraform_loader is None:
            return
        if self.values["backend"].value != "aws":
            return  # nothing would be taken from it: do not run terraform at all
        self._terraform_done = True
        outputs = self.terraform_outputs()
        for spec in SPECS:
            if self._from_terraform(spec.key) and outputs.get(spec.key) not in (None, ""):
                self.values[spec.key] = Value(str(outputs[spec.key]), "terraform")

    def terraform_outputs(self) -> Mapping[str, Any]:
        """The stack's Terraform outputs, read (or ``terraform output`` run) once."""
        if self._outputs is None:
            self._outputs = self.terraform_loader() if self.terraform_loader else {}
        return self._outputs

    def get(self, key: str) -> str | None:
        if self._from_terraform(key):
            self._resolve_terraform()
        return self.values[key].value

    def source(self, key: str) -> str:
        self.get(key)
        return self.values[key].source

    def require(self, key: str, *, flag: str | None = None) -> str:
        value = self.get(key)
        if value is None:
            option = flag or "--" + key.replace("_", "-")
            raise ConfigError(
                f"No {key.replace('_', ' ')} is configured",
                hint=f"pass {option}, set {ENV_PREFIX}{key.upper()}, add {key} to "
                f"{CONFIG_FILE_NAME}, or deploy infra/ so its Terraform outputs name it",
            )
        return value

    def resolve_all(self) -> dict[str, Value]:
        self._resolve_terraform()
        return dict(self.values)

    def __getattr__(self, key: str) -> str | None:
        if key in SPECS_BY_KEY:
            return self.get(key)
        raise AttributeError(key)

    @property
    def workspace_path(self) -> Path:
        # ~ as a shell would expand it: from OLISTCTL_WORKSPACE, olistctl.toml or
        # --workspace=~/x it would otherwise become a folder named "~".
        return expand(self.get("workspace") or DEFAULT_WORKSPACE)

    @property
    def region_or_default(self) -> str:
        """The region, or the one the pipeline is priced in when none is set."""
        return self.get("region") or DEFAULT_REGION

    @property
    def lambda_memory_size_mb(self) -> int:
        """The transform function's memory, checked: Lambda takes 128 to 10,240 MB."""
        raw = self.get("lambda_memory_mb") or "1024"
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 128 <= value <= 10240:
            raise ConfigError(
                f"lambda_memory_mb {raw!r} (from {self.source('lambda_memory_mb')}) is not a"
                " Lambda memory size",
                hint="set a whole number of MB between 128 and 10240",
            )
        return value


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a settings file (~5-10 ms of every start-up otherwise)

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML ({exc})", hint="fix the line it names or remove the file"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start} cannot be decoded)",
            hint="save it as UTF-8, as TOML requires",
        ) from exc
    except OSError as exc:
        raise ConfigError(f"Cannot read {path} ({exc.strerror})", hint="check the path") from exc
    # Accept a flat file or one with an [olistctl] table.
    data = data.get("olistctl", data)
    unknown = sorted(set(data) - set(SPECS_BY_KEY))
    if unknown:
        raise ConfigError(
            f"{path} has unknown setting(s): {', '.join(unknown)}",
            hint="the settings are " + ", ".join(SPECS_BY_KEY),
        )
    for key, value in data.items():
        # Text, or a whole number (lambda_memory_mb = 1024); a folder must be text.
        if not isinstance(value, str) and (
            key == "workspace" or isinstance(value, bool) or not isinstance(value, int)
        ):
            raise ConfigError(
                f"{path}: {key} is {value!r}, not a text value",
                hint=f'write it in quotes, e.g. {key} = "{SPECS_BY_KEY[key].default or "…"}"',
            )
    return {k: str(v) for k, v in data.items()}


def _profile_region(profile: str | None, env: Mapping[str, str]) -> str | None:
    """The region of an AWS CLI profile, read from ~/.aws/config without botocore."""
    path = expand(env.get("AWS_CONFIG_FILE", "~/.aws/config"))
    if not path.is_file():
        return None
    import configparser  # only for a file to read (~1 ms of every command otherwise)

    # Raw, as botocore reads it (configloader.raw_config_parse): `%` is only a character.
    parser = configparser.RawConfigParser()
    try:
        parser.read(path)
    except (configparser.Error, UnicodeDecodeError):  # a file botocore refuses too
        return None
    section = "default" if not profile or profile == "default" else f"profile {profile}"
    if parser.has_option(section, "region"):
        return parser.get(section, "region")
    return None


def terraform_outputs(infra_dir: Path) -> dict[str, Any]:
    """Outputs of the deployed stack: a saved ``outputs.json`` or ``terraform output -json``.

    Returns ``{}`` when neither is available; a missing name is reported by
    :meth:`Settings.require` with the fix.
    """
    saved = infra_dir / "outputs.json"
    raw: dict[str, Any] | None = None
    if saved.is_file():
        regenerate = "regenerate it with: terraform -chdir=infra output -json > infra/outputs.json"
        try:
            raw = json.loads(saved.read_text())
        except (OSError, ValueError) as exc:  # ValueError: not JSON, or not UTF-8
            raise ConfigError(f"{saved} is not valid JSON ({exc})", hint=regenerate) from exc
        if not isinstance(raw, dict):
            raise ConfigError(
                f"{saved} is not the object of outputs `terraform output -json` writes",
                hint=regenerate,
            )
    elif (infra_dir / "terraform.tfstate").is_file() and shutil.which("terraform"):
        proc = subprocess.run(
            ["terraform", f"-chdir={infra_dir}", "output", "-json"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if proc.returncode == 0 and proc.stdout.strip():
            raw = json.loads(proc.stdout)
    if not raw:
        return {}
    # `terraform output -json` wraps each value as {"value": …, "type": …, "sensitive": …}.
    return {k: (v["value"] if isinstance(v, dict) and "value" in v else v) for k, v in raw.items()}


def load_settings(
    flags: Mapping[str, str | None] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config_path: str | Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve every setting from flags, environment, config file and AWS's own variables."""
    flags = flags or {}
    env = os.environ if env is None else env
    cwd = cwd or Path.cwd()

    explicit_config = config_path or env.get(f"{ENV_PREFIX}CONFIG")
    file_values: dict[str, str] = {}
    file_label = CONFIG_FILE_NAME
    if explicit_config:
        path = Path(explicit_config)
        if not path.is_file():
            raise ConfigError(
                f"The config file {path} does not exist", hint="check the path or drop --config"
            )
        file_values = _read_toml(path)
        file_label = str(path)
    elif (cwd / CONFIG_FILE_NAME).is_file():
        file_values = _read_toml(cwd / CONFIG_FILE_NAME)

    values: dict[str, Value] = {}
    for spec in SPECS:
        env_name = f"{ENV_PREFIX}{spec.key.upper()}"
        if flags.get(spec.key) not in (None, ""):
            values[spec.key] = Value(str(flags[spec.key]), "flag")
        elif env.get(env_name):
            values[spec.key] = Value(env[env_name], f"env {env_name}")
        elif spec.key in file_values:
            values[spec.key] = Value(file_values[spec.key], file_label)
        elif any(env.get(name) for name in spec.aws_env):
            name = next(n for n in spec.aws_env if env.get(n))
            values[spec.key] = Value(env[name], f"env {name}")
        else:
            values[spec.key] = Value(spec.default, "default")

    if values["region"].value is None:
        region = _profile_region(values["profile"].value, env)
        if region:
            values["region"] = Value(region, "aws profile")

    backend = values["backend"].value
    if backend not in ("local", "aws"):
        raise ConfigError(
            f"Unknown backend {backend!r} (from {values['backend'].source})",
            hint="use --backend local or --backend aws",
        )

    # Checked whatever the backend: a mistyped runner is refused where it is given (the
    # local backend runs no other), not accepted and dropped.
    runner = values["runner"].value
    if runner not in RUNNERS:
        raise ConfigError(
            f"Unknown transform runner {runner!r} (from {values['runner'].source})",
            hint="use --runner lambda or --runner local",
        )

    infra_dir = Path(values["infra_dir"].value or "infra")
    if not infra_dir.is_absolute():
        infra_dir = cwd / infra_dir
    return Settings(values=values, terraform_loader=lambda: terraform_outputs(infra_dir))
