"""The supervised classifier: features of (document, label) pairs, a calibrated relevance head per
taxonomy, per-label thresholds chosen by cross-validation, and safe persistence."""
