"""The three systems the throughput benchmark compares, each run as a user would run it.

Every run is one process tree started here: its wall time is taken around the whole tree, its
memory sampled over the whole tree (benchmarks.memory), and its CPU time (user + system) read
from the kernel's accounting of reaped children. CPU seconds are what a page costs a machine
whose cores are all busy; on a machine shared with other work, wall time measures the load as
much as the system. Output goes to a log file, not the terminal, so drawing progress bars
costs nobody anything.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.memory import PeakSampler, tree_cpu

OCRMYPDF_REQUIREMENT = "ocrmypdf>=17,<18"  # also the `benchmark` extra (pyproject.toml)
OCRMYPDF_VENV = Path("/tmp/sohoa-bench-ocrmypdf")
SOHOA = Path(sys.executable).with_name("sohoa")
# The checkout these benchmarks belong to: the `sohoa` its runs start imports its code.
CHECKOUT = Path(__file__).resolve().parent.parent
# OCRmyPDF at its best on many small files: one file per core at once, each with one job
# and one Tesseract thread (a page per core, as the floor). One file after another with
# --jobs CORES left a core idle on every single-page file. Its Tesseract time limit (180 s)
# is lifted: OCRmyPDF renices its workers (+5), so on a busy machine a page ran past it and
# was left without text, which made the run look faster than it was.
OCRMYPDF_ONE = """
ocrmypdf="$1"; lang="$2"; out="$3"; file="$4"
exec "$ocrmypdf" -l "$lang" --deskew --rotate-pages --jobs 1 --tesseract-timeout 3600 \\
  --output-type pdf "$file" "$out/$(basename "$file").pdf"
"""


@dataclass(frozen=True)
class Run:
    """One timed process tree: wall seconds, peak memory (PSS sums), exit code, CPU seconds
    of the tree (user + system, every descendant reaped by the end) and of the server it
    talked to over the same time (0 without one)."""

    seconds: float
    peak_rss: int
    returncode: int
    peak_rss_with_server: int = 0
    cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0


def children_cpu() -> float:
    """CPU seconds of this process's reaped children (and theirs), user + system."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: list[str], log: Path, *, env: dict[str, str] | None = None,
                 cwd: Path | None = None, stdin: bytes | None = None,
                 server_pid: int | None = None) -> Run:
    """Run ``command`` to its end; time it and sample its tree (and the server's, if given)."""
    groups = {"run": [], "with_server": [server_pid] if server_pid else []}
    log.parent.mkdir(parents=True, exist_ok=True)
    server_before = tree_cpu(server_pid) if server_pid else 0.0
    cpu_before = children_cpu()  # runs are one at a time: the delta is this command's
    with log.open("ab") as output, PeakSampler(groups) as sampler:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output,
                                   stderr=subprocess.STDOUT,
                                   stdin=subprocess.PIPE if stdin is not None else None)
        sampler.add_root(process.pid)
        process.communicate(stdin)
        seconds = time.perf_counter() - started
    cpu = children_cpu() - cpu_before
    server = tree_cpu(server_pid) - server_before if server_pid else 0.0
    return Run(seconds, sampler.peaks["run"], process.returncode,
               sampler.peaks["with_server"] if server_pid else 0, cpu, server)


# --- the floor: Tesseract alone ----------------------------------------------------------------

def run_floor(images: list[Path], lang: str, cores: int, log: Path) -> Run:
    """`tesseract IMG IMG -l LANG txt` for every image, ``cores`` processes at once (xargs).

    OMP_THREAD_LIMIT=1: one page per core is faster than several threads on one page, and it
    is how sohoa and OCRmyPDF run Tesseract too.
    """
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["xargs", "-0", "-P", str(cores), "-I", "{}",
               "tesseract", "{}", "{}", "-l", lang, "txt"]
    names = b"".join(bytes(image) + b"\0" for image in images)
    return run_measured(command, log, env=env, stdin=names)


def tesseract_version() -> str:
    output = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    return output.splitlines()[0] if output else "tesseract (version unknown)"


# --- OCRmyPDF ----------------------------------------------------------------------------------

def find_ocrmypdf(venv: Path = OCRMYPDF_VENV) -> Path:
    """OCRmyPDF beside this Python (the `benchmark` extra), else on PATH, else in ``venv``,
    else installed there now (not timed)."""
    beside = Path(sys.executable).with_name("ocrmypdf")
    if beside.exists():
        return beside
    on_path = shutil.which("ocrmypdf")
    if on_path:
        return Path(on_path)
    program = venv / "bin" / "ocrmypdf"
    if not program.exists():
        print(f"installing {OCRMYPDF_REQUIREMENT} into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", OCRMYPDF_REQUIREMENT],
                       check=True)
    return program


def ocrmypdf_version(program: Path) -> str:
    result = subprocess.run([str(program), "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def ghostscript_needed(version: str) -> bool:
    """Whether OCRmyPDF needs Ghostscript for `--output-type pdf`.

    From 17 on OCRmyPDF rasterises with pypdfium2 and writes plain PDFs itself (Ghostscript
    only for some PDF/A conversions); 16 and older call Ghostscript for every file.
    """
    major = version.split(".")[0]
    return not (major.isdigit() and int(major) >= 17)


def ghostscript_note(version: str) -> str:
    """One line for the output: is Ghostscript needed by this OCRmyPDF, and is it here."""
    gs = shutil.which("gs")
    found = f"Ghostscript found ({gs})" if gs else "Ghostscript not installed"
    if ghostscript_needed(version):
        return f"{found}; REQUIRED by OCRmyPDF {version} (Debian: apt-get install ghostscript)"
    return (f"{found}; not needed by OCRmyPDF {version} for --output-type pdf (optional "
            "jbig2/pngquant only shrink its output)")


def run_ocrmypdf(program: Path, files: list[Path], out_dir: Path, lang: str, cores: int,
                 log: Path) -> tuple[Run, list[Path]]:
    """OCRmyPDF on ``cores`` files at a time; the run and the files that produced no PDF."""
    out_dir.mkdir(parents=True, exist_ok=True)
    command = ["xargs", "-0", "-n", "1", "-P", str(cores), "sh", "-c", OCRMYPDF_ONE, "sh",
               str(program), lang, str(out_dir)]
    names = b"".join(bytes(file) + b"\0" for file in files)
    run = run_measured(command, log, env={**os.environ, "OMP_THREAD_LIMIT": "1"}, stdin=names)
    failed = [f for f in files if not (out_dir / f"{f.name}.pdf").exists()]
    return run, failed


# --- sohoa -------------------------------------------------------------------------------------

def sohoa_env(data_dir: Path, lang: str | None, api_url: str | None,
              auth: str | None = None) -> dict[str, str]:
    """The caller's environment minus any sohoa/Prefect setting: embedded defaults only;
    ``auth`` is the «user:password» the server at ``api_url`` requires."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOHOA_")
           and key not in {"PREFECT_API_URL", "PREFECT_API_AUTH_STRING"}}
    env["SOHOA_DATA_DIR"] = str(data_dir)
    # The `sohoa` script beside this Python imports the checkout its venv was installed from
    # (an editable install maps each package to that folder): run from another worktree,
    # the benchmark measured that checkout's code, not its own. PYTHONPATH comes first.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CHECKOUT),
                                                      env.get("PYTHONPATH")]))
    if lang:
        env["SOHOA_OCR__LANGUAGES"] = lang
    if api_url:
        env["PREFECT_API_URL"] = api_url
    if auth:
        env["PREFECT_API_AUTH_STRING"] = auth
    return env


@dataclass(frozen=True)
class Server:
    """The local Prefect server every sohoa run of the benchmark talks to."""

    data_dir: Path
    url: str
    pid: int
    start_seconds: float
    auth: str  # the «user:password» the server requires


def start_server(data_dir: Path, log: Path) -> Server:
    """`sohoa server start` in a fresh data folder; its wall time is the first-run cost."""
    # Imported here: the settings pull in OpenCV, which the other systems' runs do not need.
    from config.settings import Settings
    from flows.local_server import ServerState, auth_file, state_file  # owns their formats

    data_dir.mkdir(parents=True, exist_ok=True)
    run = run_measured([str(SOHOA), "server", "start"], log, env=sohoa_env(data_dir, None, None),
                       cwd=data_dir)
    if run.returncode != 0:
        raise RuntimeError(f"`sohoa server start` failed; see {log}")
    settings = Settings(data_dir=data_dir)
    state = ServerState.model_validate_json(state_file(settings).read_text())
    return Server(data_dir, state.url, state.pid, run.seconds,
                  auth_file(settings).read_text().strip())


def stop_server(server: Server, log: Path) -> None:
    subprocess.run([str(SOHOA), "server", "stop"], env=sohoa_env(server.data_dir, None, None),
                   cwd=server.data_dir, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def run_sohoa(inputs: list[Path], json_out: Path, data_dir: Path, lang: str | None,
              server: Server, log: Path) -> Run:
    """`sohoa process INPUTS --json-out DIR` end to end, on the given local server.

    PREFECT_API_URL names the server explicitly, so runs in fresh data folders (scaling,
    latency) use the same, already warm, server instead of starting their own.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [str(SOHOA), "process", *map(str, inputs), "--json-out", str(json_out)]
    # cwd: the data folder, so no stray .env file of the caller's working folder is read.
    return run_measured(command, log, env=sohoa_env(data_dir, lang, server.url, server.auth),
                        cwd=data_dir, server_pid=server.pid)


def started_server_pid(data_dir: Path) -> int | None:
    """The pid of the local server a run started in ``data_dir`` (None if it started none)."""
    from config.settings import Settings
    from flows.local_server import ServerState, state_file

    path = state_file(Settings(data_dir=data_dir))
    if not path.exists():
        return None
    return ServerState.model_validate_json(path.read_text()).pid


def run_sohoa_cold(inputs: list[Path], json_out: Path, data_dir: Path, lang: str | None,
                   log: Path) -> Run:
    """`sohoa process` in a fresh data folder with no server running: it starts the local
    Prefect server itself (included in the time, as a first run on a new machine); the
    server is stopped afterwards (not timed)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [str(SOHOA), "process", *map(str, inputs), "--json-out", str(json_out)]
    env = sohoa_env(data_dir, lang, None)
    try:
        run = run_measured(command, log, env=env, cwd=data_dir)
        # The server it started outlives it (its own session): all its CPU time is this run's.
        server = started_server_pid(data_dir)
        return replace(run, server_cpu_seconds=tree_cpu(server) if server else 0.0)
    finally:
        with log.open("ab") as output:
            subprocess.run([str(SOHOA), "server", "stop"], env=env, cwd=data_dir,
                           stdout=output, stderr=subprocess.STDOUT, check=False)
