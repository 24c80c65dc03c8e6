"""Meetings of the forum, the Smart-City-Board and the councils: agendas, live control, minutes, iCal."""
