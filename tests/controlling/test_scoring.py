"""Weighted scores, catalogue versions, spread and ranking (services, no HTTP)."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.controlling import scoring
from forum.controlling.scoring import CriterionSpec
from forum.controlling.scoring_models import Evaluator, Score
from forum.errors import Conflict, Invalid, NotAllowed
from forum.extensions import db


@pytest.fixture
def evaluator(make_user):
    def make(**kwargs):
        user = make_user(**kwargs)
        db.session.add(Evaluator(user_id=user.id))
        db.session.commit()
        return user
    return make


def entries(catalogue, values, why="Begründung"):
    return {c.id: (v, why) for c, v in zip(catalogue.criteria, values)}


@pytest.mark.parametrize("values, expected", [
    # (4-1)/4=.75 ×30, cost 2 inverted → .75 ×15, .75 ×20, 1 ×15, 1 ×10, 1 ×10  → 83.75
    ([4, 2, 4, 5, 5, 5], 83.75),
    ([1, 1, 1, 1, 1, 1], 15.0),   # only the inverted cost criterion is at its best
    ([5, 5, 5, 5, 5, 5], 85.0),   # the highest cost costs its 15 points
    ([5, 1, 5, 5, 5, 5], 100.0),
    ([3, 3, 3, 3, 3, 3], 50.0),
])
def test_weighted_score_for_known_inputs(catalogue, evaluator, make_project, values, expected):
    cat = catalogue()
    project = make_project()
    result = scoring.submit_evaluation(evaluator(), project, entries(cat, values))
    db.session.commit()
    assert result == pytest.approx(expected)
    assert scoring.subject_score(project).mean == pytest.approx(expected)


def test_other_scales_are_normalised(make_user, evaluator, make_project):
    md = make_user(role="managing_director")
    cat = scoring.publish_catalogue(md, [CriterionSpec("Nutzen", 3, 0, 10), CriterionSpec("Risiko", 1, 1, 3, inverted=True)])
    project = make_project()
    # 7/10 × 3 + (1 − (2−1)/2) × 1 = 2.1 + 0.5 = 2.6 of 4 → 65
    assert scoring.submit_evaluation(evaluator(), project, entries(cat, [7, 2])) == pytest.approx(65.0)


def test_spread_and_mean_of_two_evaluators(catalogue, evaluator, make_project):
    cat = catalogue()
    project = make_project()
    scoring.submit_evaluation(evaluator(), project, entries(cat, [4, 2, 4, 5, 5, 5]))  # 83.75
    scoring.submit_evaluation(evaluator(), project, entries(cat, [3, 2, 4, 4, 5, 4]))  # 15+11.25+15+11.25+10+7.5 = 70
    db.session.commit()
    summary = scoring.subject_score(project)
    assert summary.count == 2
    assert summary.mean == pytest.approx(76.875)
    assert summary.std_dev == pytest.approx(6.875)
    assert summary.range == pytest.approx(13.75)


def test_new_weights_make_a_new_version_and_old_scores_keep_theirs(catalogue, evaluator, make_user, make_project):
    md = make_user(role="managing_director")
    v1 = catalogue(actor=md)
    project = make_project()
    judge = evaluator()
    scoring.submit_evaluation(judge, project, entries(v1, [4, 2, 4, 5, 5, 5]))
    db.session.commit()

    specs = [CriterionSpec(c.name, c.weight, c.scale_min, c.scale_max, c.description, c.inverted) for c in v1.criteria]
    specs[0] = CriterionSpec(specs[0].name, 60)  # citizens' benefit counts double
    v2 = scoring.publish_catalogue(md, specs, "Bürgernutzen doppelt gewichtet")
    db.session.commit()

    assert (v1.version, v2.version) == (1, 2)
    assert scoring.current_catalogue().id == v2.id
    assert [c.weight for c in v1.criteria] == [30, 15, 20, 15, 10, 10]  # v1 untouched
    assert scoring.subject_score(project, v1).mean == pytest.approx(83.75)  # old score, old weights
    assert scoring.subject_score(project).count == 0  # nothing yet for the current version
    assert scoring.ranking("project", v2, md) == []

    # 60×.75 + 15×.75 + 20×.75 + 15 + 10 + 10 = 106.25 of 130
    assert scoring.submit_evaluation(judge, project, entries(v2, [4, 2, 4, 5, 5, 5])) == pytest.approx(106.25 / 130 * 100)
    db.session.commit()
    assert [r.subject.id for r in scoring.ranking("project", v2, md)] == [project.id]
    assert scoring.subject_score(project, v1).mean == pytest.approx(83.75)
    assert db.session.scalar(select(func.count()).select_from(Score)) == 12


def test_unchanged_catalogue_is_a_conflict_and_only_controllers_publish(catalogue, make_user):
    md = make_user(role="managing_director")
    v1 = catalogue(actor=md)
    same = [CriterionSpec(c.name, c.weight, c.scale_min, c.scale_max, c.description, c.inverted) for c in v1.criteria]
    with pytest.raises(Conflict):
        scoring.publish_catalogue(md, same)
    for role in ("admin", "member"):
        with pytest.raises(NotAllowed):
            scoring.publish_catalogue(make_user(role=role), same[:2])
    assert scoring.publish_catalogue(make_user(role="chair"), same[:2]).version == 2


@pytest.mark.parametrize("specs, code", [
    ([], "no_criteria"),
    ([CriterionSpec("A", 1), CriterionSpec("a ", 2)], "duplicate_criterion"),
    ([CriterionSpec("A", 0)], "invalid_weight"),
    ([CriterionSpec("A", 1, 5, 5)], "invalid_scale"),
    ([CriterionSpec("  ", 1)], "missing_name"),
])
def test_bad_catalogues_are_refused(make_user, specs, code):
    with pytest.raises(Invalid) as err:
        scoring.publish_catalogue(make_user(role="chair"), specs)
    assert err.value.code == code


def test_evaluation_needs_every_criterion_a_value_on_the_scale_and_a_reason(catalogue, evaluator, make_project):
    cat = catalogue()
    project = make_project()
    judge = evaluator()
    full = entries(cat, [3] * 6)
    missing = dict(list(full.items())[:5])
    with pytest.raises(Invalid, match="Kooperationspotenzial"):
        scoring.submit_evaluation(judge, project, missing)
    off_scale = {**full, cat.criteria[0].id: (6, "zu hoch")}
    with pytest.raises(Invalid) as err:
        scoring.submit_evaluation(judge, project, off_scale)
    assert err.value.code == "value_off_scale"
    no_reason = {**full, cat.criteria[1].id: (3, "   ")}
    with pytest.raises(Invalid) as err:
        scoring.submit_evaluation(judge, project, no_reason)
    assert err.value.code == "missing_justification"


def test_scoring_again_replaces_the_earlier_scores(catalogue, evaluator, make_project):
    cat = catalogue()
    project = make_project()
    judge = evaluator()
    scoring.submit_evaluation(judge, project, entries(cat, [1] * 6))
    scoring.submit_evaluation(judge, project, entries(cat, [5] * 6, why="neu"))
    db.session.commit()
    rows = scoring.subject_scores_detail(project, cat)
    assert len(rows) == 6 and {r.value for r in rows} == {5} and {r.justification for r in rows} == {"neu"}
    assert scoring.subject_score(project).count == 1


def test_database_allows_one_score_per_evaluator_criterion_and_subject(catalogue, evaluator, make_project):
    cat = catalogue()
    project = make_project()
    judge = evaluator()
    criterion = cat.criteria[0]
    db.session.add(Score(evaluator_id=judge.id, catalogue_id=cat.id, criterion_id=criterion.id, project_id=project.id,
                         value=3, justification="a"))
    db.session.commit()
    db.session.add(Score(evaluator_id=judge.id, catalogue_id=cat.id, criterion_id=criterion.id, project_id=project.id,
                         value=4, justification="b"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_who_may_score(catalogue, make_user, make_council, make_project, make_proposal):
    cat = catalogue()
    moderator, board_member, citizen, md = make_user(), make_user(), make_user(), make_user(role="managing_director")
    make_council(moderators=[moderator])
    board = make_council("Smart-City-Board", slug="smart-city-board", visibility="private", members=[board_member])
    secret_council = make_council(visibility="private")
    public, internal = make_project(), make_project(visibility="internal")
    hidden_proposal = make_proposal(council=secret_council)
    draft = make_proposal(status="draft")
    values = entries(cat, [3] * 6)
    assert scoring.submit_evaluation(moderator, public, dict(values)) == pytest.approx(50.0)
    assert scoring.submit_evaluation(board_member, internal, dict(values)) == pytest.approx(50.0)
    for actor, subject in [(citizen, public), (md, public), (moderator, internal), (moderator, hidden_proposal),
                           (board_member, draft)]:
        with pytest.raises(NotAllowed):
            scoring.submit_evaluation(actor, subject, dict(values))
    assert board.slug == "smart-city-board"


def test_ranking_sorts_by_score_and_hides_what_the_viewer_may_not_see(catalogue, evaluator, make_user, make_council,
                                                                     make_project, make_proposal):
    cat = catalogue()
    judge, outsider, board_judge = evaluator(), make_user(), make_user()
    staff_judge = evaluator(role="chair")
    make_council("Smart-City-Board", slug="smart-city-board", visibility="private", members=[board_judge])
    low, high, internal = make_project("Niedrig"), make_project("Hoch"), make_project("Intern", visibility="internal")
    secret = make_council(visibility="private")
    open_proposal, secret_proposal = make_proposal("Offen"), make_proposal("Geheim", council=secret)
    scoring.submit_evaluation(judge, low, entries(cat, [2] * 6))
    scoring.submit_evaluation(judge, high, entries(cat, [4] * 6))
    scoring.submit_evaluation(board_judge, internal, entries(cat, [5, 1, 5, 5, 5, 5]))
    scoring.submit_evaluation(staff_judge, open_proposal, entries(cat, [3] * 6))
    scoring.submit_evaluation(staff_judge, secret_proposal, entries(cat, [5] * 6))
    db.session.commit()
    assert [r.subject.title for r in scoring.ranking("project", cat, outsider)] == ["Hoch", "Niedrig"]
    assert [r.subject.title for r in scoring.ranking("project", cat, board_judge)] == ["Intern", "Hoch", "Niedrig"]
    assert [r.subject.title for r in scoring.ranking("proposal", cat, outsider)] == ["Offen"]
    assert [r.subject.title for r in scoring.ranking("proposal", cat, staff_judge)] == ["Geheim", "Offen"]
    assert scoring.evaluation_counts(cat) == 5
