"""Every word the report shows, in English and French, and the helpers that print both.

The page carries both languages at once (``span.en`` / ``span.fr``, one hidden by the body's class),
so the in-page toggle needs no round trip and an emailed file switches offline. Anything that came
from input files goes through ``html.escape`` here or in the caller, never straight into markup.
"""
from __future__ import annotations

from html import escape

from pipeline.coverage.grids import display_group

LANGS = ("en", "fr")

UI: dict[str, tuple[str, str]] = {
    "title": ("ITU-T standards and the WSIS action lines and SDGs",
              "Les normes de l'UIT-T, les grandes orientations du SMSI et les ODD"),
    "subtitle": ("Coverage and gaps per study group, from the summaries of in-force Recommendations",
                 "Couverture et lacunes par commission d'études, d'après les résumés des Recommandations "
                 "en vigueur"),
    "lang_button": ("Français", "English"),
    "lang_label": ("Language", "Langue"),
    "counted": ("in-force Recommendations", "Recommandations en vigueur"),
    "groups": ("study groups", "commissions d'études"),
    "as_of": ("data to", "données au"),
    "model": ("classifier", "classificateur"),
    "priority_cards": ("At a glance: the priority lines of WTSA Resolution 75 (resolves 4), SDG reach, gaps",
                       "En bref : orientations prioritaires de la Résolution 75 de l'AMNT (décide 4), portée "
                       "ODD, lacunes"),
    "of_all": ("of all counted", "de l'ensemble"),
    "targets_covered": ("SDG targets with at least one Recommendation",
                        "cibles ODD avec au moins une Recommandation"),
    "gaps_found": ("gaps on the action lines, by the stated rules",
                   "lacunes sur les grandes orientations, selon les règles énoncées"),
    "targets_uncovered": ("SDG targets with no Recommendation", "cibles ODD sans Recommandation"),
    "nav_lines": ("Action lines", "Grandes orientations"),
    "nav_goals": ("SDGs", "ODD"),
    "nav_trends": ("Trends", "Tendances"),
    "nav_gaps": ("Gaps", "Lacunes"),
    "nav_tables": ("Tables", "Tableaux"),
    "lines": ("Study group × WSIS action line", "Commission d'études × grande orientation du SMSI"),
    "lines_note": ("Colour: share of the group's in-force Recommendations on the line; number: how many. "
                   "C2, C5 and C6, outlined, are the priority lines of resolves 4. Click a cell to list the "
                   "Recommendations and the evidence for each.",
                   "Couleur : part des Recommandations en vigueur de la commission qui relèvent de "
                   "l'orientation ; nombre : combien. C2, C5 et C6, encadrées, sont les orientations "
                   "prioritaires du décide 4. Cliquez sur une case pour voir les Recommandations et ce qui "
                   "justifie chacune."),
    "goals": ("Study group × Sustainable Development Goal", "Commission d'études × objectif de développement "
                                                            "durable"),
    "goals_note": ("Colour: share of the group's in-force Recommendations serving the goal. Click a cell for "
                   "the list.",
                   "Couleur : part des Recommandations en vigueur de la commission qui servent l'objectif. "
                   "Cliquez sur une case pour la liste."),
    "trends": ("Trends by study period and approval year (resolves 5)",
               "Tendances par période d'études et par année d'approbation (décide 5)"),
    "trends_note": ("Only in-force editions count, each in the year of its latest approval, so older work "
                    "that was revised counts as recent. Study periods run from one WTSA to the next; since "
                    "their lengths differ (2017–2020 lasted until March 2022), they are compared per year. "
                    "Click a point for the Recommendations.",
                    "Seules les éditions en vigueur sont comptées, chacune l'année de sa dernière "
                    "approbation : un travail ancien révisé compte comme récent. Les périodes d'études vont "
                    "d'une AMNT à la suivante ; leurs durées diffèrent (2017–2020 a duré jusqu'en mars "
                    "2022), elles sont donc comparées par an. Cliquez sur un point pour les Recommandations."),
    "trend_group": ("Study group", "Commission d'études"),
    "trend_period": ("In-force Recommendations approved per year, by study period",
                     "Recommandations en vigueur approuvées par an, par période d'études"),
    "trend_year": ("In-force Recommendations by approval year", "Recommandations en vigueur par année "
                                                                "d'approbation"),
    "per_year": ("per year", "par an"),
    "count": ("Recommendations", "Recommandations"),
    "year": ("approval year", "année d'approbation"),
    "period": ("study period", "période d'études"),
    "to_date": ("to date", "en cours"),
    "gaps": ("Gaps", "Lacunes"),
    "gaps_note": ("Each gap comes from a stated rule whose thresholds are set in params.yaml; the evidence "
                  "says what was measured. A rule is a prompt for the study group's judgement, not a "
                  "verdict.",
                  "Chaque lacune découle d'une règle énoncée dont les seuils sont fixés dans params.yaml ; "
                  "les éléments indiquent ce qui a été mesuré. Une règle invite la commission à juger, "
                  "elle ne tranche pas."),
    "rule": ("Rule", "Règle"),
    "no_gaps": ("No gap under this rule.", "Aucune lacune selon cette règle."),
    "show_list": ("list", "liste"),
    "targets_of": ("uncovered targets", "cibles non couvertes"),
    "linked_note": ("Underlined: targets that the WSIS–SDG matrix links to an action line.",
                    "Soulignées : cibles que la matrice SMSI–ODD relie à une grande orientation."),
    "tables": ("Tables", "Tableaux"),
    "tables_note": ("Click a column to sort, type to filter; every count opens its Recommendations. The same "
                    "tables are in coverage/ as CSV, Parquet and one Excel workbook.",
                    "Cliquez sur une colonne pour trier, tapez pour filtrer ; chaque nombre ouvre ses "
                    "Recommandations. Les mêmes tableaux sont dans coverage/ en CSV, Parquet et dans un "
                    "classeur Excel."),
    "tab_lines": ("Action lines", "Grandes orientations"),
    "tab_goals": ("SDG goals", "Objectifs (ODD)"),
    "tab_targets": ("SDG targets", "Cibles ODD"),
    "filter": ("Filter…", "Filtrer…"),
    "all_groups": ("All study groups", "Toutes les commissions"),
    "hide_zero": ("hide zeros", "masquer les zéros"),
    "sg": ("Study group", "Commission d'études"),
    "code": ("Code", "Code"),
    "name": ("Name", "Intitulé"),
    "n": ("Recommendations", "Recommandations"),
    "total": ("of", "sur"),
    "share": ("Share", "Part"),
    "mean_score": ("Mean score", "Score moyen"),
    "priority": ("Priority (res. 75)", "Prioritaire (rés. 75)"),
    "linked": ("WSIS-linked", "Liée au SMSI"),
    "yes": ("yes", "oui"),
    "drill": ("Recommendations behind the count", "Recommandations derrière le nombre"),
    "close": ("Close", "Fermer"),
    "score": ("score", "score"),
    "approved": ("approved", "approuvée"),
    "terms": ("matched terms", "termes trouvés"),
    "closest": ("closest sentence", "phrase la plus proche"),
    "no_recs": ("No Recommendation is counted here.", "Aucune Recommandation n'est comptée ici."),
    "footer": ("Generated by wsis-coverage from Recommendation summaries; counts are a classifier's "
               "reading, to be checked against the listed evidence.",
               "Produit par wsis-coverage à partir des résumés des Recommandations ; les nombres sont la "
               "lecture d'un classificateur, à vérifier au vu des éléments cités."),
    "gap_priority_share": ("Weak priority-line work in a study group", "Travaux faibles sur une orientation "
                                                                       "prioritaire"),
    "gap_mandate": ("Weak priority-line work within the group's mandate", "Travaux faibles sur une orientation "
                                                                          "prioritaire relevant du mandat"),
    "gap_priority_decline": ("Priority lines in decline this study period", "Orientations prioritaires en recul "
                                                                            "sur la période en cours"),
    "gap_uncovered_target": ("SDG targets with no ITU-T Recommendation", "Cibles ODD sans Recommandation UIT-T"),
    "gap_no_recent_work": ("Action lines with no recent work", "Grandes orientations sans travaux récents"),
    "sdg": ("SDG", "ODD"),
    "goal": ("Goal", "Objectif"),
    "action_line": ("Action line", "Grande orientation"),
    "sdg_goal": ("SDG", "ODD"),
    "sdg_target": ("SDG target", "Cible ODD"),
    "all_itu": ("ITU-T (all groups)", "UIT-T (toutes commissions)"),
    "resolves": ("resolves", "décide"),
}


def t(en: str, fr: str) -> str:
    """Both languages as escaped spans; the body's class shows one."""
    return f'<span class="en">{escape(en)}</span><span class="fr">{escape(fr)}</span>'


def ui(key: str) -> str:
    return t(*UI[key])


def text(key: str, lang: str) -> str:
    return UI[key][LANGS.index(lang)]


def group_name(study_group: str, lang: str) -> str:
    return display_group(study_group, lang)


def group(study_group: str) -> str:
    return t(group_name(study_group, "en"), group_name(study_group, "fr"))
