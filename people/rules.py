"""Who may do what: every rule of the app, named, in this one module (django-rules).

Views (``require``), templates (``{% load rules %}{% has_perm ... %}`` or ``perms``), the admin
site and the debrief all ask these rules through ``user.has_perm(name, obj)``; superusers pass
every rule. Roles are groups (people/roles.py): a user may hold several.

- Interviewers compose and run their own interviews, for candidates whose loop assigns them
  (or whose loop they manage as hiring manager).
- Hiring managers read every candidate, scorecard and debrief, open loops and assign
  interviewers; they compose and run interviews only if they are also interviewers.
- Co-scorers (interviewers added to someone else's interview) score it on their own sheet; like
  everyone, they see the others' scores only once their own sheet is submitted.
- Curators keep the bank in the admin. Admins manage people and read the audit trail.
- The measures: hiring managers and admins read them all, curators question health only.
- A user with no role reads nothing: the dashboard says whom to ask, every other page is 403.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404
from rules.contrib.views import permission_required

from .roles import ROLE_GROUPS, Role, group_names


def require(perm: str, fn=None):
    """View decorator: 403 (the styled page) unless the rule holds; ``fn(request, *args,
    **kwargs)`` gives the object for an object rule. The login itself is the middleware's."""
    return permission_required(perm, fn=fn, raise_exception=True)


def runnable_or_404(user, queryset, pk):
    """The interview ``pk`` of ``queryset`` if ``can_run`` holds (its interviewer, who still has
    the interviewer role); 404 otherwise, so nobody learns whose interview it is."""
    interview = get_object_or_404(queryset.owned_by(user), pk=pk)
    if not user.has_perm("interviews.run_interview", interview):
        raise Http404("No such interview of yours.")
    return interview


# Roles ---------------------------------------------------------------------------------------


def _member(role: str):
    @rules.predicate(f"is_{role.lower().replace(' ', '_')}")
    def predicate(user) -> bool:
        return role in group_names(user)

    return predicate


is_interviewer = _member(Role.INTERVIEWER)
is_hiring_manager = _member(Role.HIRING_MANAGER)
is_curator = _member(Role.CURATOR)
is_admin = _member(Role.ADMIN) | rules.is_superuser


@rules.predicate
def has_role(user) -> bool:
    return bool(group_names(user) & ROLE_GROUPS) or bool(getattr(user, "is_superuser", False))


# Interviews and candidates -------------------------------------------------------------------


@rules.predicate
def is_own_interview(user, interview) -> bool:
    return interview is not None and interview.interviewer_id == user.pk


def _stages(candidate):
    """The candidate's loop stages (from the prefetch of ``for_debrief`` when there is one)."""
    return [stage for loop in candidate.loops.all() for stage in loop.stages.all()]


@rules.predicate
def is_assigned_to_candidate(user, candidate) -> bool:
    """Some stage of one of the candidate's loops assigns the user."""
    return candidate is not None and any(s.interviewer_id == user.pk for s in _stages(candidate))


@rules.predicate
def interviewed_candidate(user, candidate) -> bool:
    return candidate is not None and any(
        i.interviewer_id == user.pk for i in candidate.interviews.all()
    )


@rules.predicate
def manages_candidate(user, candidate) -> bool:
    """The user is the hiring manager of the candidate's open loop."""
    return candidate is not None and any(
        loop.is_open and loop.hiring_manager_id == user.pk for loop in candidate.loops.all()
    )


@rules.predicate
def has_open_assignment(user, candidate) -> bool:
    """An open loop of the candidate has a stage for the user with no interview yet."""
    return candidate is not None and any(
        loop.is_open and s.interviewer_id == user.pk and s.interview_id is None
        for loop in candidate.loops.all()
        for s in loop.stages.all()
    )


def _sheets(candidate, user):
    """The user's co-scorer sheets on the candidate's interviews (from ``for_debrief``)."""
    return [
        s for i in candidate.interviews.all() for s in i.co_scorers.all() if s.user_id == user.pk
    ]


@rules.predicate
def co_scores_candidate(user, candidate) -> bool:
    """The user co-scores one of the candidate's interviews."""
    return candidate is not None and bool(_sheets(candidate, user))


@rules.predicate
def submitted_scored_assigned(user, candidate) -> bool:
    """Independence: the user has submitted, for a stage of the candidate's loop assigned to
    them, a scorecard with at least one scored question, or, as a co-scorer, their own sheet
    with at least one scored question. An interview made outside the loop (to peek) or
    submitted with nothing scored unlocks nothing."""
    if candidate is None:
        return False
    if any(
        sheet.is_submitted and any(line.score is not None for line in sheet.lines.all())
        for sheet in _sheets(candidate, user)
    ):
        return True
    interviews = {i.pk: i for i in candidate.interviews.all()}
    for stage in _stages(candidate):
        interview = interviews.get(stage.interview_id)
        if (
            stage.interviewer_id == user.pk
            and interview is not None
            and interview.interviewer_id == user.pk
            and interview.is_submitted
            and any(item.score is not None for item in interview.items.all())
        ):
            return True
    return False


@rules.predicate
def is_co_scorer(user, interview) -> bool:
    """The user has a sheet on this interview (``co_scorers`` prefetched, else one query)."""
    return interview is not None and any(s.user_id == user.pk for s in interview.co_scorers.all())


@rules.predicate
def added_candidate(user, candidate) -> bool:
    return candidate is not None and candidate.created_by_id == user.pk


can_compose = is_interviewer
can_run = is_interviewer & is_own_interview
can_read_scorecard = is_own_interview | is_hiring_manager
can_read_candidates = is_interviewer | is_hiring_manager
can_view_candidate = is_hiring_manager | (
    is_interviewer & (is_assigned_to_candidate | interviewed_candidate | co_scores_candidate)
)
# Independence (the debrief's rule, co-scorers included): the others' scores, notes and
# sheets open to an interviewer or co-scorer once their own sheet is submitted.
can_see_others_scores = is_hiring_manager | (
    is_interviewer & (is_assigned_to_candidate | co_scores_candidate) & submitted_scored_assigned
)
# Co-scoring: a co-scorer runs their own sheet of an interview they co-score; the interview's
# interviewer or a hiring manager adds and removes co-scorers.
can_co_score = is_interviewer & is_co_scorer
can_manage_co_scorers = (is_interviewer & is_own_interview) | is_hiring_manager
can_interview_candidate = is_interviewer & (has_open_assignment | manages_candidate)
can_read_kits = is_interviewer | is_hiring_manager
# The interviews page: one's own interviews, every interview for hiring managers.
can_read_interviews = is_interviewer | is_hiring_manager
can_see_audit_trail = is_hiring_manager | is_admin
# Archive, unarchive, merge: hiring managers, and the interviewer who added the candidate.
can_manage_candidate = is_hiring_manager | (is_interviewer & added_candidate)
# Erase a candidate and everything about them (issue 11): hiring managers and admins.
can_erase = is_hiring_manager | is_admin


# Loops ---------------------------------------------------------------------------------------


@rules.predicate
def is_assigned_in_loop(user, loop) -> bool:
    return loop is not None and any(s.interviewer_id == user.pk for s in loop.stages.all())


@rules.predicate
def is_stage_interviewer(user, stage) -> bool:
    return stage is not None and stage.interviewer_id == user.pk


can_open_loop = is_hiring_manager
can_manage_loop = is_hiring_manager
# The loop's decision (hire / no hire): hiring managers.
can_decide_loop = is_hiring_manager
can_view_loop = is_hiring_manager | is_assigned_in_loop
can_hand_back = is_stage_interviewer
can_start_stage = is_interviewer & is_stage_interviewer


# Measures (issue 13) -------------------------------------------------------------------------

# Agreement, calibration and the overview: hiring managers and admins. Question health also
# for curators (on its page and on the question's admin page): it tells them which questions
# to fix. Interviewers see no measure: not even their own leniency.
can_read_measures = is_hiring_manager | is_admin
can_read_question_health = is_hiring_manager | is_admin | is_curator


# People, the admin, the bank -----------------------------------------------------------------

can_manage_people = is_admin
can_use_admin = rules.is_staff | is_curator | is_admin
can_read_bank = has_role
# Add and change questions (the admin's bank, the API): curators and admins.
can_edit_bank = is_curator | is_admin


for name, rule in {
    "people.has_role": has_role,
    "people.manage_people": can_manage_people,
    "people.use_admin": can_use_admin,
    "interviews.read_all": is_hiring_manager,
    "interviews.compose": can_compose,
    "interviews.run_interview": can_run,
    "interviews.read_scorecard": can_read_scorecard,
    "interviews.read_candidates": can_read_candidates,
    "interviews.view_candidate_page": can_view_candidate,
    "interviews.see_others_scores": can_see_others_scores,
    "interviews.interview_candidate": can_interview_candidate,
    "interviews.read_kits": can_read_kits,
    "interviews.read_interviews": can_read_interviews,
    "interviews.see_audit_trail": can_see_audit_trail,
    "interviews.manage_candidate": can_manage_candidate,
    "interviews.erase": can_erase,
    "interviews.co_score": can_co_score,
    "interviews.manage_co_scorers": can_manage_co_scorers,
    "interviews.decide_loop": can_decide_loop,
    "interviews.open_loop": can_open_loop,
    "interviews.manage_loop": can_manage_loop,
    "interviews.read_loop": can_view_loop,
    "interviews.hand_back_stage": can_hand_back,
    "interviews.start_stage": can_start_stage,
    "questionbank.read_bank": can_read_bank,
    "interviews.read_measures": can_read_measures,
    "interviews.read_question_health": can_read_question_health,
    "questionbank.edit_bank": can_edit_bank,
}.items():
    rules.add_perm(name, rule)
