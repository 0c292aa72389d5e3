"""Running the repository's Terraform offline, against a moto server, from tests.

Reusable outside ``tests/infra`` (the end-to-end tests import it): nothing here
is a pytest fixture; ``tests/infra/conftest.py`` wraps these in fixtures.

- :func:`find_provider_mirror` — the filesystem mirror holding ``hashicorp/aws``.
- :func:`offline_cli_config` — a Terraform CLI config that installs from it only.
- :func:`terraform` — run one terraform command, failing with its output.
- :func:`copy_infra` — a throwaway copy of ``infra/`` (state never lands in the repo).
- :class:`MotoServer` — ``moto.server.ThreadedMotoServer`` on 127.0.0.1, any free port.
- :func:`run_deployed_functions` — make the server's Lambda invokes run the deployed zip.
- :func:`applied_stack` — apply a copy of ``infra/`` to a moto server; destroys on exit.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
PROVIDER = "registry.terraform.io/hashicorp/aws"
MIRROR_ENV = "OLISTCTL_TF_MIRROR"
# Read at import (test collection): the suite's conftest then clears every
# OLISTCTL_* variable to isolate tests from the developer's settings.
_MIRROR_AT_IMPORT = os.environ.get(MIRROR_ENV)
# Where offline machines usually keep a provider mirror; searched a few levels deep.
MIRROR_ROOTS = (
    Path("/opt"),
    Path("/usr/local/share"),
    Path("/usr/share"),
    Path("/usr/local/lib"),
    Path.home() / ".terraform.d",
    Path.home() / ".local" / "share",
)
MIRROR_SEARCH_DEPTH = 3
# Never copied into a working copy: local state, plugins, build output.
_NOT_COPIED = (".terraform", ".terraform.lock.hcl", "terraform.tfstate*", "build", "*.tfvars*")
_NOT_COPIED += ("outputs.json", "__pycache__")

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
MOTO_ACCOUNT_ID = "123456789012"  # what moto's STS answers


class TerraformError(RuntimeError):
    """A terraform command failed; the message carries its output."""


# ---------------------------------------------------------------------------
# Finding terraform and its provider
# ---------------------------------------------------------------------------


def terraform_binary() -> str | None:
    return shutil.which("terraform")


def _holds_provider(root: Path) -> bool:
    return (root / PROVIDER).is_dir()


def find_provider_mirror(
    env: Mapping[str, str] | None = None, roots: tuple[Path, ...] = MIRROR_ROOTS
) -> Path | None:
    """The folder holding ``registry.terraform.io/hashicorp/aws``, or None.

    ``$OLISTCTL_TF_MIRROR`` wins (it must hold the provider); otherwise the
    usual roots are searched a few levels down, in order.
    """
    forced_value = (
        env.get(MIRROR_ENV) if env is not None else os.environ.get(MIRROR_ENV, _MIRROR_AT_IMPORT)
    )
    if forced_value:
        forced = Path(forced_value).expanduser()
        return forced if _holds_provider(forced) else None
    for root in roots:
        found = _search(root, MIRROR_SEARCH_DEPTH)
        if found is not None:
            return found
    return None


def _search(folder: Path, depth: int) -> Path | None:
    if _holds_provider(folder):
        return folder
    if depth == 0:
        return None
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:  # unreadable or missing
        return None
    for child in children:
        found = _search(child, depth - 1)
        if found is not None:
            return found
    return None


def terraform_unavailable_reason() -> str | None:
    """Why terraform tests cannot run here, or None when they can."""
    if terraform_binary() is None:
        return "the terraform binary is not on the PATH"
    forced = os.environ.get(MIRROR_ENV, _MIRROR_AT_IMPORT)
    if forced and find_provider_mirror() is None:
        return f"{MIRROR_ENV}={forced} does not hold {PROVIDER}"
    if find_provider_mirror() is None:
        return (
            f"no offline mirror of {PROVIDER} was found (set {MIRROR_ENV} to the folder "
            f"that holds registry.terraform.io)"
        )
    return None


def offline_cli_config(folder: Path, mirror: Path) -> Path:
    """Write a CLI config that installs hashicorp providers from ``mirror`` only."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "offline.tfrc"
    path.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        '    include = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "}\n"
    )
    return path


def terraform_env(cli_config: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for terraform: offline config, no prompts, no update check."""
    env = dict(os.environ)
    env.update(
        {
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
        }
    )
    env.update(extra or {})
    return env


def terraform(
    *args: str,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float = 300,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run ``terraform <args> -no-color``; raise :class:`TerraformError` if it fails."""
    binary = terraform_binary()
    if binary is None:
        raise TerraformError("terraform is not on the PATH")
    command = [binary, *args]
    if "-no-color" not in args:
        command.append("-no-color")
    proc = subprocess.run(
        command,
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        raise TerraformError(
            f"terraform {' '.join(args)} exited {proc.returncode} in {cwd}\n"
            f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
        )
    return proc


def copy_infra(dest: Path, source: Path = INFRA) -> Path:
    """Copy the Terraform configuration (not its state, plugins or build output) to ``dest``."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(*_NOT_COPIED))
    return dest


def output_values(raw: str) -> dict[str, Any]:
    """``terraform output -json`` -> ``{name: value}``."""
    return {name: item["value"] for name, item in json.loads(raw).items()}


# ---------------------------------------------------------------------------
# The Lambda zip
# ---------------------------------------------------------------------------


def load_build_lambda():
    """``infra/build_lambda.py`` as a module (it is a script, not a package)."""
    name = "olistctl_build_lambda"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, INFRA / "build_lambda.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


def real_zip_unavailable_reason() -> str | None:
    """Why the real Lambda zip cannot be built yet (handler or a module it needs missing)."""
    if not (REPO / "src" / "olistctl" / "lambda_handler.py").is_file():
        return "src/olistctl/lambda_handler.py does not exist yet"
    build = load_build_lambda()
    try:
        build.import_closure(build.DEFAULT_SRC_ROOT)
    except build.MissingModuleError as exc:
        return f"the handler cannot be packaged yet: {exc}"
    return None


def build_lambda_zip(out: Path) -> tuple[Path, str]:
    """The real zip when it can be built, else a one-file stand-in.

    The stand-in lets the infrastructure be applied before the handler (or a
    core module it imports) lands; a function deployed from it converts nothing.
    Any other build failure (a forbidden import) raises.
    """
    build = load_build_lambda()
    if real_zip_unavailable_reason() is None:
        return build.build_zip(out)
    import zipfile

    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("olistctl/__init__.py", "")
        archive.writestr(
            "olistctl/lambda_handler.py",
            "def handler(event, context):\n    raise RuntimeError('stand-in handler')\n",
        )
    return out, build.base64_sha256(out.read_bytes())


# ---------------------------------------------------------------------------
# moto
# ---------------------------------------------------------------------------


class MotoServer:
    """A moto server on 127.0.0.1 (a free port), in this process, for one test or module."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> MotoServer:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def aws_env(self, region: str = "us-east-1") -> dict[str, str]:
        """Variables that send an AWS SDK or CLI in a subprocess to this server."""
        return {
            **FAKE_CREDENTIALS,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ENDPOINT_URL": self.url,
        }

    def client(self, service: str, region: str = "us-east-1"):
        """A boto3 client of this server (fake credentials, no retries to wait through)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 2, "mode": "standard"}),
        )

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_loopback_url() -> str:
    """``http://127.0.0.1:<port>`` where nothing listens: a connection there is refused.

    As HTTP(S)_PROXY it keeps a subprocess that tries to reach AWS on loopback.
    """
    import socket

    with socket.socket() as probe:  # a free port, closed again
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@dataclass
class Invocation:
    """One invoke that ran a deployed function's handler inside the moto server."""

    function_name: str
    code_sha256: str  # base64, as Lambda's CodeSha256: which zip ran
    event: Any
    answer: Any  # what the handler returned, or the runtime's error document
    failed: bool


def _zipped_handler_loader():
    """``load_zipped_handler`` of tests/aws/awsstack.py (one loader for both suites)."""
    aws_tests = str(REPO / "tests" / "aws")
    if aws_tests not in sys.path:
        sys.path.append(aws_tests)
    from awsstack import load_zipped_handler

    return load_zipped_handler


def run_deployed_functions(
    monkeypatch, folder: Path, *, as_function_role: bool = False
) -> list[Invocation]:
    """Make every Lambda invoke on an in-process moto server run the function's own zip.

    moto runs no Lambda code without Docker. This selects its no-Docker
    backend (call it *before* the functions are created: moto files a function
    under the backend chosen then) and replaces that backend's ``invoke``: the
    code moto holds for the function (what Terraform uploaded) is imported
    from its zip (tests/aws/awsstack.py:load_zipped_handler) and its handler
    called with the function's environment, answering as the Lambda runtime
    does (an unhandled error is ``FunctionError: Unhandled``). The handler's
    own boto3 calls need this process's environment to point at the server
    (``monkeypatch.setenv`` with :meth:`MotoServer.aws_env`). With
    ``as_function_role`` the handler runs, as in Lambda, with temporary credentials
    of the function's execution role (assumed through moto's STS), so moto's IAM
    enforcement checks its calls against that role's policies. Returns the list
    the invocations are recorded in.
    """
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.core.config import default_user_config

    monkeypatch.setitem(default_user_config["lambda"], "use_docker", False)
    load_zipped_handler = _zipped_handler_loader()
    handlers: dict[str, Any] = {}  # CodeSha256 -> the handler module imported from that zip
    lock = threading.Lock()  # the server answers concurrent invokes on several threads
    invocations: list[Invocation] = []
    # True while the calling test runs (monkeypatch resets it): an invoke from a thread
    # that outlives the test must not set os.environ for good.
    live = SimpleNamespace(now=False)
    monkeypatch.setattr(live, "now", True)

    def handler_for(function) -> Any:
        with lock:
            if function.code_sha_256 not in handlers:
                zip_path = folder / f"{function.function_name}-{len(handlers)}.zip"
                zip_path.parent.mkdir(parents=True, exist_ok=True)
                zip_path.write_bytes(function.code_bytes)
                module = load_zipped_handler(zip_path)
                monkeypatch.setattr(module, "_s3_client", None)  # no client from another test
                handlers[function.code_sha_256] = module
            # The handler reads its settings from the environment, as in Lambda.
            if not live.now:
                raise RuntimeError("the test that deployed this function has ended")
            for key, value in function.environment_vars.items():
                monkeypatch.setenv(key, value)
            if as_function_role:
                import boto3

                for key, value in _role_credentials(function).items():
                    monkeypatch.setenv(key, value)
                # boto3's default session keeps the first credentials it found (another
                # test's): the handler's client must find the role's in the environment.
                monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
            return handlers[function.code_sha_256]

    def invoke(self, function_name, qualifier, body, headers, response_headers):
        function = self.get_function(function_name, qualifier)
        assert function.handler == "olistctl.lambda_handler.handler", function.handler
        module = handler_for(function)
        event = json.loads(body)
        context = SimpleNamespace(aws_request_id=str(uuid.uuid4()), function_name=function_name)
        try:
            answer, failed = module.handler(event, context), False
        except Exception as exc:  # what the Lambda runtime reports for an unhandled error
            response_headers["x-amz-function-error"] = "Unhandled"
            answer = {"errorMessage": str(exc), "errorType": type(exc).__name__}
            failed = True
        with lock:
            invocations.append(
                Invocation(function.function_name, function.code_sha_256, event, answer, failed)
            )
        return json.dumps(answer).encode()

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)
    return invocations


def _role_credentials(function) -> dict[str, str]:
    """Temporary credentials of the function's execution role, from moto's STS."""
    from moto.sts.models import sts_backends

    sts = sts_backends[function.account_id]["aws"]
    role = sts.assume_role(
        region_name=function.region,
        role_session_name=function.function_name,
        role_arn=function.role,
        policy="",
        duration=3600,
        external_id="",
    )
    return {
        "AWS_ACCESS_KEY_ID": role.access_key_id,
        "AWS_SECRET_ACCESS_KEY": role.secret_access_key,
        "AWS_SESSION_TOKEN": role.session_token,
    }


def moto_tfvars(server_url: str, lambda_zip: Path, /, **overrides: Any) -> dict[str, Any]:
    """Variables that make infra/ apply on moto (each one documented in infra/README.md)."""
    return {
        "endpoint_url": server_url,
        "attach_pandas_layer": False,  # moto rejects layer ARNs it does not hold
        "enforce_tls_policy": False,  # moto 403s object reads under a policy with a Condition
        "force_destroy": True,  # a test's stack may hold objects when it is destroyed
        "lambda_zip_path": str(lambda_zip),
        **overrides,
    }


@dataclass
class AppliedStack:
    """A copy of infra/ applied to a moto server."""

    workdir: Path  # the working copy (holds terraform.tfstate)
    server: MotoServer
    env: dict[str, str]  # terraform's environment: offline config + fake credentials
    outputs: dict[str, Any]
    zip_sha256: str
    destroyed: bool = field(default=False)

    @property
    def endpoint_url(self) -> str:
        return self.server.url

    def terraform(self, *args: str, timeout: float = 300, check: bool = True):
        return terraform(*args, cwd=self.workdir, env=self.env, timeout=timeout, check=check)

    def managed_instances(self) -> int:
        """How many resource instances the state holds (what ``Resources: N`` counts).

        Read from the local state file: ``terraform show -json`` would load the
        provider's schema, several seconds on a busy machine.
        """
        state = json.loads((self.workdir / "terraform.tfstate").read_text())
        return sum(
            len(resource["instances"])
            for resource in state.get("resources", [])
            if resource["mode"] == "managed"
        )

    def destroy(self) -> None:
        self.terraform("destroy", "-auto-approve", "-input=false", timeout=300)
        self.destroyed = True

    def write_outputs_json(self) -> Path:
        """Save ``terraform output -json`` as ``outputs.json``, which olistctl.settings reads."""
        path = self.workdir / "outputs.json"
        path.write_text(self.terraform("output", "-json").stdout)
        return path

    def cli_env(self) -> dict[str, str]:
        """Environment for ``olistctl --backend aws`` in a subprocess against this stack.

        Settings come from this working copy's outputs (``OLISTCTL_INFRA_DIR``);
        ``teardown --destroy-infra`` runs terraform here with the offline config.
        """
        self.write_outputs_json()
        # No other OLISTCTL_* setting: a stand-in Lambda run in this process may have left
        # the function's own variables (OLISTCTL_PROCESSED_BUCKET) in os.environ.
        inherited = {k: v for k, v in self.env.items() if not k.startswith("OLISTCTL_")}
        return {
            **inherited,
            "OLISTCTL_BACKEND": "aws",
            "OLISTCTL_INFRA_DIR": str(self.workdir),
        }


@contextlib.contextmanager
def applied_stack(
    workdir: Path,
    server: MotoServer,
    *,
    mirror: Path | None = None,
    tfvars: Mapping[str, Any] | None = None,
    destroy_on_exit: bool = True,
) -> Iterator[AppliedStack]:
    """Apply a fresh copy of infra/ (at ``workdir``) to ``server``.

    Builds the Lambda zip into the working copy, writes ``terraform.tfvars.json``
    (:func:`moto_tfvars` plus ``tfvars``), runs init and apply, and yields the
    stack with its outputs. On exit the stack is destroyed unless a test already
    did so (or ``destroy_on_exit`` is False).
    """
    mirror = mirror or find_provider_mirror()
    if mirror is None:
        raise TerraformError(terraform_unavailable_reason() or "no provider mirror")
    copy_infra(workdir)
    zip_path, zip_sha = build_lambda_zip(workdir / "build" / "olistctl_lambda.zip")
    variables = moto_tfvars(server.url, zip_path, **dict(tfvars or {}))
    (workdir / "terraform.tfvars.json").write_text(json.dumps(variables, indent=2))
    cli_config = offline_cli_config(workdir.parent / f"{workdir.name}-tfrc", mirror)
    env = terraform_env(cli_config, server.aws_env(variables.get("region", "us-east-1")))
    terraform("init", "-input=false", cwd=workdir, env=env, timeout=120)
    stack = AppliedStack(workdir, server, env, {}, zip_sha)
    try:
        stack.terraform("apply", "-auto-approve", "-input=false", timeout=300)
        stack.outputs = output_values(stack.terraform("output", "-json").stdout)
        yield stack
    finally:
        if destroy_on_exit and not stack.destroyed:
            # Best effort: the server dies with the test anyway.
            stack.terraform("destroy", "-auto-approve", "-input=false", check=False)
