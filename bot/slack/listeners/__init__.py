"""Every listener of the Slack app, registered from here as Bolt's starter template does: the
slash command, the Undo button, the App Home event and its buttons, and the forms. What a
listener leaves for after its ack runs in Bolt's lazy listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.blocks import UNDO_ACTION_ID
from bot.slack.counsel_blocks import HOME_CALENDAR_ACTION_ID, HOME_TIMELINE_ACTION_ID
from bot.slack.delay_check_form import DELAY_CHECK_FORM
from bot.slack.home import OPEN_DELAY_CHECK_ACTION, OPEN_RECORD_ACTION
from bot.slack.listeners import actions, commands, counsel, events, forms
from bot.slack.record_form import RECORD_FORM


def register_listeners(app: App, command: str) -> None:
    app.command(command, matchers=[commands.answered_in_ack])(commands.answer_question)
    app.command(command)(ack=commands.acknowledge, lazy=[commands.follow_up])
    app.action(UNDO_ACTION_ID)(ack=actions.undo_clicked, lazy=[actions.after_undo])
    app.event("app_home_opened")(ack=events.acknowledge, lazy=[events.publish_home])
    app.action(HOME_TIMELINE_ACTION_ID)(ack=counsel.acknowledge, lazy=[counsel.post_timeline])
    app.action(HOME_CALENDAR_ACTION_ID)(ack=counsel.acknowledge, lazy=[counsel.show_calendar_link])
    app.shortcut(RECORD_FORM)(forms.from_shortcut)
    app.action(OPEN_RECORD_ACTION)(forms.from_home)
    app.action(OPEN_DELAY_CHECK_ACTION)(forms.from_home)
    app.view_submission(RECORD_FORM)(ack=forms.submit_record, lazy=[forms.after_submission])
    app.view_submission(DELAY_CHECK_FORM)(forms.submit_delay_check)
