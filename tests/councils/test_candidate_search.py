"""The candidate search of a council's members page finds people by name, never by e-mail address
(issue 13, item 8): a council moderator could otherwise probe anyone's address letter by letter."""


def test_candidate_search_does_not_match_email_addresses(client, login, make_user, make_council):
    moderator = make_user()
    make_user(name="Mara Lindner", email="mara.privat-4711@example.org", stakeholder="culture",
              organisation="Staatstheater")
    council = make_council(moderators=[moderator])
    login(moderator)
    for probe in ("privat-4711", "mara.privat", "@example.org", "example"):
        page = client.get(f"/councils/{council.slug}/members", query_string={"q": probe}).get_data(as_text=True)
        assert "Mara Lindner" not in page, probe
    for name in ("mara", "Lindner", "Staatstheater"):
        page = client.get(f"/councils/{council.slug}/members", query_string={"q": name}).get_data(as_text=True)
        assert "Mara Lindner" in page, name
        assert "mara.privat-4711@example.org" not in page


def test_the_search_field_asks_for_a_name(client, login, make_user, make_council):
    moderator = make_user()
    council = make_council(moderators=[moderator])
    login(moderator)
    page = client.get(f"/councils/{council.slug}/members").get_data(as_text=True)
    assert '<label for="q">Name oder Organisation</label>' in page
