from django.urls import path, register_converter

from . import exports
from .views import (
    candidates,
    compose,
    coscore,
    find,
    home,
    kits,
    live,
    loops,
    measures,
    scorecard,
)

register_converter(exports.ScorecardExportConverter, "scorecard_export")

app_name = "interviews"
urlpatterns = [
    # home: dashboard and candidates
    path("", home.dashboard, name="dashboard"),
    path("candidates/", home.candidate_list, name="candidate_list"),
    path("candidates/<int:pk>/", scorecard.candidate, name="candidate"),
    # loops: stages, assigned interviewers
    path("loops/", loops.loop_list, name="loop_list"),
    path("loops/new/", loops.loop_new, name="loop_new"),
    path("loops/<int:pk>/", loops.loop, name="loop"),
    path("loops/<int:pk>/stages/", loops.stage_add, name="stage_add"),
    path("loops/<int:pk>/close/", loops.loop_close, name="loop_close"),
    path("stages/<int:pk>/reassign/", loops.stage_reassign, name="stage_reassign"),
    path("stages/<int:pk>/hand-back/", loops.stage_hand_back, name="stage_hand_back"),
    path("stages/<int:pk>/interview/", loops.stage_interview, name="stage_interview"),
    path("candidates/<int:pk>/archive/", candidates.archive, name="candidate_archive"),
    path("candidates/<int:pk>/merge/", candidates.merge, name="candidate_merge"),
    # finding interviews, a draft's details, discarding, the calendar file
    path("interviews/", find.interview_list, name="interview_list"),
    path("interviews/<int:pk>/edit/", find.edit_details, name="interview_edit"),
    path("interviews/<int:pk>/discard/", find.discard, name="interview_discard"),
    path("interviews/<int:pk>/calendar.ics", find.calendar_file, name="interview_ics"),
    path("candidates/<int:pk>/erase/", scorecard.candidate_erase, name="candidate_erase"),
    # composing a draft, kits
    path("interviews/new/", compose.interview_new, name="interview_new"),
    path("interviews/<int:pk>/compose/", compose.compose, name="compose"),
    path("interviews/<int:pk>/compose/add/", compose.add_question, name="add_question"),
    path("interviews/<int:pk>/compose/remove/", compose.remove_question, name="remove_question"),
    path("interviews/<int:pk>/compose/move/", compose.move_question, name="move_question"),
    path("interviews/<int:pk>/compose/reorder/", compose.reorder, name="reorder"),
    path("interviews/<int:pk>/compose/auto/", compose.autocompose, name="autocompose"),
    path("interviews/<int:pk>/save-kit/", kits.save_kit, name="save_kit"),
    path("kits/", kits.kit_list, name="kit_list"),
    path("kits/<int:pk>/", kits.kit_detail, name="kit"),
    # live
    path("interviews/<int:pk>/start/", live.start, name="start"),
    path("interviews/<int:pk>/live/", live.live, name="live"),
    path("interviews/<int:pk>/live/add/", live.add_unplanned, name="add_unplanned"),
    path("interviews/<int:pk>/items/<int:item_pk>/score/", live.score, name="score"),
    path("interviews/<int:pk>/items/<int:item_pk>/notes/", live.notes, name="notes"),
    path("interviews/<int:pk>/items/<int:item_pk>/time/", live.record_time, name="record_time"),
    path("interviews/<int:pk>/submit/", live.submit, name="submit"),
    # co-scoring: who co-scores, the co-scorer's own sheet
    path("interviews/<int:pk>/co-scorers/", coscore.co_scorers, name="co_scorers"),
    path(
        "interviews/<int:pk>/co-scorers/<int:sheet_pk>/remove/",
        coscore.co_scorer_remove,
        name="co_scorer_remove",
    ),
    path("interviews/<int:pk>/sheet/", coscore.sheet, name="sheet"),
    path(
        "interviews/<int:pk>/sheet/items/<int:item_pk>/score/",
        coscore.sheet_score,
        name="sheet_score",
    ),
    path(
        "interviews/<int:pk>/sheet/items/<int:item_pk>/notes/",
        coscore.sheet_notes,
        name="sheet_notes",
    ),
    path("interviews/<int:pk>/sheet/submit/", coscore.sheet_submit, name="sheet_submit"),
    path("loops/<int:pk>/decision/", loops.loop_decision, name="loop_decision"),
    # scorecard, amend, exports, debrief
    path("interviews/<int:pk>/", scorecard.scorecard, name="scorecard"),
    path("interviews/<int:pk>/amend/", scorecard.amend, name="amend"),
    path("interviews/<int:pk>/export.<scorecard_export:exporter>", scorecard.export, name="export"),
    # measures: agreement, calibration, question health, their exports
    path("measures/", measures.overview, name="measures"),
    path("measures/agreement/", measures.agreement, name="measures_agreement"),
    path("measures/calibration/", measures.calibration, name="measures_calibration"),
    path("measures/questions/", measures.questions, name="measures_questions"),
    path("measures/<str:name>.<str:fmt>", measures.export, name="measures_export"),
]
