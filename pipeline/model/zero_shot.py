"""The zero-shot baseline: a softmax over cosine similarities to the label prototypes.

It needs no labels at all, which is why it is the fallback when no trained model is installed and
the baseline every trained model is compared with. SDG targets are scored within their goal:
P(target) = P(goal) · P(target | goal).
"""
from __future__ import annotations

import numpy as np

from pipeline.model.spaces import LabelSpaces
from pipeline.params import ClassifyParams


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class ZeroShotScorer:
    version = "zero-shot"

    def __init__(self, spaces: LabelSpaces, params: ClassifyParams):
        self.spaces = spaces
        self.params = params

    def predict_proba(self, inputs) -> dict[str, np.ndarray]:
        t = self.params.temperature
        vectors = inputs.vectors
        lines = _softmax(vectors @ self.spaces.prototypes["action_line"].T / t)
        goals = _softmax(vectors @ self.spaces.prototypes["sdg_goal"].T / t)
        logits = vectors @ self.spaces.prototypes["sdg_target"].T / t
        targets = np.zeros_like(logits)
        for goal in range(goals.shape[1]):
            members = np.flatnonzero(self.spaces.target_goal == goal)
            targets[:, members] = goals[:, [goal]] * _softmax(logits[:, members])
        return {"action_line": lines, "sdg_goal": goals, "sdg_target": targets}

    def decide(self, proba: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The top action line always (every Recommendation serves some line), secondary lines above a
        score; SDG labels only above their thresholds, since many Recommendations serve none."""
        p = self.params
        lines = proba["action_line"]
        line_rank = np.argsort(np.argsort(-lines, axis=1), axis=1)
        lines_assigned = (line_rank == 0) | ((lines >= p.action_line_min_score) & (line_rank < p.max_action_lines))
        goals_assigned = proba["sdg_goal"] >= p.goal_min_score
        targets = proba["sdg_target"]
        target_rank = np.argsort(np.argsort(-targets, axis=1), axis=1)
        targets_assigned = (goals_assigned[:, self.spaces.target_goal] & (targets >= p.target_min_score)
                            & (target_rank < p.max_targets))
        return {"action_line": lines_assigned, "sdg_goal": goals_assigned, "sdg_target": targets_assigned}
