"""Scanner and paper damage, in three tiers, each step recorded with its exact parameters.

``clean`` is a straight, crisp scan. ``mild`` is an ordinary office scan: a little skew, grey
paper, a soft shadow, slight blur and noise, JPEG artefacts. ``hard`` is the worst a station
sends: pages fed sideways or upside down, strong skew, low contrast, speckles, a dark scanner lid
border. Parameters are given for 300 DPI and scaled to the page's DPI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from samples.truth import Degradation, Tier

TIERS: tuple[Tier, ...] = ("clean", "mild", "hard")


@dataclass(frozen=True)
class TierPlan:
    """Ranges the damage of one tier is drawn from (None: that damage is never applied)."""

    skew_abs: tuple[float, float] | None
    skew_chance: float
    rotations: tuple[tuple[int, float], ...]  # (clockwise degrees to fix, weight)
    paper: tuple[float, float] | None
    ink: tuple[float, float]
    shadow: tuple[float, float] | None
    shadow_chance: float
    blur_sigma: tuple[float, float] | None
    noise_sigma: tuple[float, float] | None
    speckles: tuple[int, int] | None
    border_chance: float
    color_chance: float  # chance a file is a colour scan (decided per file, not per page)
    jpeg_quality: tuple[int, int]


PLANS: dict[Tier, TierPlan] = {
    "clean": TierPlan(None, 0.0, ((0, 1.0),), None, (0, 0), None, 0.0, None, None, None, 0.0,
                      0.0, (80, 86)),
    "mild": TierPlan((0.5, 3.0), 0.85, ((0, 1.0),), (222, 245), (15, 55), (0.04, 0.14), 0.5,
                     (0.3, 0.7), (2.0, 6.0), None, 0.0, 0.25, (60, 85)),
    "hard": TierPlan((1.5, 6.0), 1.0, ((0, 0.4), (90, 0.2), (180, 0.2), (270, 0.2)),
                     (165, 212), (45, 95), (0.15, 0.35), 0.8, (0.8, 1.5), (8.0, 16.0),
                     (200, 1500), 0.8, 0.3, (25, 45)),
}


@dataclass
class DegradedPage:
    """A damaged page: pixels as the scanner saved them, and what was done."""

    pixels: np.ndarray  # uint8, (H, W) grey or (H, W, 3) RGB
    rotation: int = 0
    skew_degrees: float = 0.0
    degradations: list[Degradation] = field(default_factory=list)

    def record(self, name: str, **params: float | int | str) -> None:
        self.degradations.append(Degradation(name=name, params=params))


def degrade_page(upright: np.ndarray, tier: Tier, rng: np.random.Generator, dpi: int,
                 rotation: int | None = None) -> DegradedPage:
    """Damage an upright grey page (white paper, black ink) as a ``tier`` scan would.

    ``rotation`` forces the clockwise turn needed to read the page (0/90/180/270); by default
    the tier decides.
    """
    plan = PLANS[tier]
    scale = dpi / 300
    page = DegradedPage(upright)
    turn = rotation if rotation is not None else choose_rotation(plan, rng)
    rotate_coarse(page, turn)
    if plan.skew_abs and rng.random() < plan.skew_chance:
        skew(page, float(rng.uniform(*plan.skew_abs)) * float(rng.choice([-1, 1])))
    pixels = page.pixels.astype(np.float32)
    if plan.paper:
        pixels = lower_contrast(page, pixels, rng.uniform(*plan.paper), rng.uniform(*plan.ink))
    if plan.shadow and rng.random() < plan.shadow_chance:
        pixels = shadow_gradient(page, pixels, rng, rng.uniform(*plan.shadow))
    if plan.blur_sigma:
        pixels = blur(page, pixels, rng.uniform(*plan.blur_sigma) * scale)
    if plan.noise_sigma:
        pixels = add_noise(page, pixels, rng, rng.uniform(*plan.noise_sigma))
    page.pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    if plan.speckles:
        add_speckles(page, rng, int(rng.integers(*plan.speckles)), scale)
    if rng.random() < plan.border_chance:
        add_scanner_border(page, rng)
    return page


def choose_rotation(plan: TierPlan, rng: np.random.Generator) -> int:
    turns, weights = zip(*plan.rotations, strict=True)
    return int(rng.choice(turns, p=np.array(weights) / sum(weights)))


def rotate_coarse(page: DegradedPage, clockwise_fix: int) -> None:
    """Lay the page on the glass turned: content turned counter-clockwise by ``clockwise_fix``."""
    if clockwise_fix % 360 == 0:
        return
    if clockwise_fix not in (90, 180, 270):
        raise ValueError(f"rotation must be 0, 90, 180 or 270, not {clockwise_fix}")
    page.pixels = np.ascontiguousarray(np.rot90(page.pixels, k=clockwise_fix // 90))
    page.rotation = clockwise_fix
    page.record("rotation", degrees=clockwise_fix)


def skew(page: DegradedPage, degrees: float) -> None:
    """Turn the content by a few degrees, counter-clockwise positive, keeping the page size."""
    degrees = round(degrees, 2)
    height, width = page.pixels.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    page.pixels = cv2.warpAffine(page.pixels, matrix, (width, height), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    page.skew_degrees = degrees
    page.record("skew", degrees=degrees)


def lower_contrast(page: DegradedPage, pixels: np.ndarray, paper: float,
                   ink: float) -> np.ndarray:
    """Grey paper and faded toner: white becomes ``paper``, black becomes ``ink``."""
    page.record("contrast", paper=round(float(paper)), ink=round(float(ink)))
    return ink + (paper - ink) * pixels / 255.0


def shadow_gradient(page: DegradedPage, pixels: np.ndarray, rng: np.random.Generator,
                    strength: float) -> np.ndarray:
    """A darker band along one edge, like a book spine or a lid left ajar."""
    side = str(rng.choice(["left", "right", "top", "bottom"]))
    height, width = pixels.shape[:2]
    length = width if side in ("left", "right") else height
    ramp = np.linspace(0.0, 1.0, length, dtype=np.float32)
    if side in ("right", "bottom"):
        ramp = ramp[::-1]
    factor = 1.0 - strength * (1.0 - ramp) ** 3
    factor = factor[None, :] if side in ("left", "right") else factor[:, None]
    page.record("shadow", side=side, strength=round(float(strength), 3))
    return pixels * factor


def blur(page: DegradedPage, pixels: np.ndarray, sigma: float) -> np.ndarray:
    page.record("blur", sigma=round(float(sigma), 2))
    return cv2.GaussianBlur(pixels, (0, 0), sigmaX=float(sigma))


def add_noise(page: DegradedPage, pixels: np.ndarray, rng: np.random.Generator,
              sigma: float) -> np.ndarray:
    page.record("noise", sigma=round(float(sigma), 2))
    return pixels + rng.standard_normal(pixels.shape, dtype=np.float32) * np.float32(sigma)


def add_speckles(page: DegradedPage, rng: np.random.Generator, count: int, scale: float) -> None:
    """Dust and toner dots."""
    height, width = page.pixels.shape[:2]
    xs = rng.integers(0, width, count)
    ys = rng.integers(0, height, count)
    radii = np.maximum(1, np.round(rng.uniform(0.5, 3.0, count) * scale)).astype(int)
    shades = rng.integers(0, 90, count)
    for x, y, radius, shade in zip(xs, ys, radii, shades, strict=True):
        cv2.circle(page.pixels, (int(x), int(y)), int(radius), int(shade), -1)
    page.record("speckles", count=count)


def add_scanner_border(page: DegradedPage, rng: np.random.Generator) -> None:
    """Dark bands where the glass saw the lid beyond the paper, with a ragged inner edge."""
    height, width = page.pixels.shape[:2]
    sides = [str(s) for s in rng.choice(["left", "right", "top", "bottom"],
                                        size=int(rng.integers(1, 4)), replace=False)]
    shade = int(rng.integers(10, 50))
    for side in sorted(sides):
        along = height if side in ("left", "right") else width
        across = width if side in ("left", "right") else height
        depth = rng.uniform(0.01, 0.04) * across
        edge = depth + np.cumsum(rng.normal(0, 0.6, along)).clip(-depth / 2, depth / 2)
        mask = np.arange(across)[None, :] < edge[:, None]
        if side in ("right", "bottom"):
            mask = mask[:, ::-1]
        if side in ("top", "bottom"):
            mask = mask.T
        page.pixels[mask] = shade
    page.record("scanner_border", sides=",".join(sorted(sides)), shade=shade)


def paper_tint(rng: np.random.Generator) -> tuple[float, float, float]:
    """RGB factors of yellowed paper."""
    return 1.0, float(rng.uniform(0.95, 0.99)), float(rng.uniform(0.84, 0.93))


def tint_paper(page: DegradedPage, tint: tuple[float, float, float]) -> None:
    """A colour scan of yellowed paper: the page becomes RGB."""
    grey = page.pixels.astype(np.float32)
    page.pixels = np.stack([grey * t for t in tint], axis=-1).clip(0, 255).astype(np.uint8)
    page.record("color_tint", green=round(tint[1], 3), blue=round(tint[2], 3))


def jpeg_quality(tier: Tier, rng: np.random.Generator) -> int:
    """The JPEG quality of a file of that tier (one per file, as a scanner setting)."""
    return int(rng.integers(*PLANS[tier].jpeg_quality, endpoint=True))


def jpeg_round_trip(page: DegradedPage, quality: int) -> None:
    """JPEG artefacts baked in, for pages then saved losslessly (PNG)."""
    ok, encoded = cv2.imencode(".jpg", page.pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    flag = cv2.IMREAD_GRAYSCALE if page.pixels.ndim == 2 else cv2.IMREAD_COLOR
    page.pixels = cv2.imdecode(encoded, flag)
