"""Page titles are plain text: no template block left open pulls a section's HTML into <title>."""
import re


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_profile_title_is_only_the_title(client, login, make_user):
    login(make_user())
    page = client.get("/profile").get_data(as_text=True)
    assert _title(page) == "Mein Profil – Smart-City-Forum Braunschweig"


def test_no_page_puts_markup_into_its_title(client, login, make_user, make_council, make_proposal, make_meeting):
    user = make_user()
    council = make_council(members=[user])
    proposal = make_proposal(author=user, council=council)
    meeting = make_meeting(council=council)
    login(user)
    for path in ("/", "/profile", "/proposals", f"/proposals/{proposal.id}", f"/councils/{council.slug}",
                 "/councils", f"/meetings/{meeting.id}", "/meetings", "/notifications", "/projects", "/open-data"):
        response = client.get(path)
        assert response.status_code == 200, path
        title = _title(response.get_data(as_text=True))
        assert "<" not in title and "\n" not in title.strip(), (path, title)
