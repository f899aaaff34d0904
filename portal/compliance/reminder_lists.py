"""One email about several reminders of one stage to one recipient: the person's courses, or a line manager's or HR's
people and their courses. Each message's `context` (made by `reminders.reminders_due`) is a line of the list."""

from collections import defaultdict

from django.template.loader import render_to_string

PERSON_STAGES = {"before", "on_due", "after"}
MAX_PEOPLE = 200  # per escalation list: HR hears about the rest as a count, with the portal's lists to read them in


def email_for(messages) -> tuple[str, str]:
    """(subject, body) of one email about `messages`: several, of one stage, to one recipient. Pure but for the
    templates."""
    stage, first = messages[0].stage, messages[0].context
    items = sorted(
        (message.context for message in messages), key=lambda item: (item["due_on"], item["requirement"].name)
    )
    people = defaultdict(list)  # person -> their lines, soonest due first
    for item in items:
        people[item["staff"]].append(item)
    listed = sorted(people.items(), key=lambda pair: (pair[0].last_name, pair[0].first_name, pair[0].pk))
    due_dates = sorted({item["due_on"] for item in items})
    context = {
        **{key: first[key] for key in ("today", "training_url", "service_name", "organisation_name")},
        "stage": stage,
        "count": len(items),
        "items": items,
        "staff": first["staff"],
        "manager": first["manager"],
        "line_reports": all(item.get("line_manager", True) for item in items),  # else some are in their teams
        "people": listed[:MAX_PEOPLE],
        "people_count": len(listed),
        "more": max(len(listed) - MAX_PEOPLE, 0),
        "first_due": due_dates[0],
        "one_due_date": len(due_dates) == 1,
        "all_due_today": due_dates == [first["today"]],
        "external_course": any(item["requirement"].kind == "external_course" for item in items),
        "team_url": first.get("team_url"),
        "undeliverable": any(item.get("undeliverable") for item in items),  # some person's own email was refused
        "undeliverable_for_now": any(item.get("undeliverable_for_now") for item in items),  # only for now (full)
        "no_address": any(item.get("no_address") for item in items),  # someone has no work email: never reminded
    }
    template = "several" if stage in PERSON_STAGES else f"{stage}_several"
    subject = " ".join(render_to_string(f"email/reminders/{template}_subject.txt", context).split())
    return subject, render_to_string(f"email/reminders/{template}.txt", context)
