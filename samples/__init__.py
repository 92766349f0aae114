"""Synthetic scans of Vietnamese dossier forms with ground truth, for the demo, tests and
benchmarks. Generate with ``python -m samples.generate``; read truths with
``samples.truth.load_truths``. The bundled demo set is ``samples/scans/``.
"""
