"""Every user-facing text of the review workflow's pages and panels, in Chinese and English."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.review import ACTION_TEXT, STATE_TEXT

TEXT: dict[str, tuple[str, str]] = {
    # the region-year's state (entry page, review page)
    "review_state": ("审核状态", "Review state"),
    "state_by": ("{state}：{who}，{when}", "{state}: {who}, {when}"),
    "never_submitted": ("草稿：尚未报送", "Draft: not submitted yet"),
    "returned_with": ("退回意见（{who}，{when}）：{comment}",
                      "Returned by {who} on {when}: {comment}"),
    "submit": ("报送", "Submit"),
    "submitted_done": ("报送成功", "Submitted"),
    "returned_line": ("已退回：{who}，{when}：{comment}", "Returned by {who}, {when}: {comment}"),
    "unlocked_line": ("解锁：{who}，{when}：{comment}", "Unlocked by {who}, {when}: {comment}"),
    "imported_state": ("已确认（载入，未经审核）", "accepted on loading, not reviewed"),
    "read_only_submitted": ("已报送，等待审核，不能修改；如需修改，请审核人员退回。",
                            "Submitted: waiting for review, so it cannot be changed; to change "
                            "it, ask the reviewer to return it."),
    "read_only_approved": ("已审核，等待省级确认，不能修改；如需修改，请审核人员退回。",
                           "Approved: waiting for the province to accept it, so it cannot be "
                           "changed; to change it, ask a reviewer to return it."),
    "read_only_accepted": ("已锁定：{who} 于 {when} 确认；如需修改，请管理员解锁。",
                           "Locked: accepted by {who} on {when}; to change it, ask an admin to "
                           "unlock it."),
    # a write refused by a lock (etl.acceptance.LockedError)
    # the history page's review steps
    "steps_title": ("审核记录", "Review steps"),
    "steps_none": ("该地区还没有审核记录", "No review steps for this region yet"),
    "action": ("操作", "Action"),
    "from_to": ("状态变化", "From → to"),
    "who": ("操作人", "By"),
    "when": ("时间 (UTC)", "When (UTC)"),
    "comment": ("意见或原因", "Comment or reason"),
    "period": ("年份", "Year"),
    "import": ("直接确认（导入）", "accepted on import"),
    # the review page
    "review_title": ("审核与报送进度", "Review and reporting progress"),
    "review_help": ("逐级审核：区县报送，市（州）审核，省级确认；确认后数值锁定。",
                    "Review step by step: counties submit, prefectures approve, the province "
                    "accepts; accepted values are locked."),
    "year": ("年份", "Year"),
    "queue_title": ("待我处理", "Waiting for me"),
    "queue_empty": ("目前没有等待您处理的报送", "Nothing is waiting for you"),
    "progress_title": ("报送进度", "Reporting progress"),
    "region": ("地区", "Region"),
    "year_state": ("本年度状态", "State of the year"),
    "missing": ("缺报", "Missing"),
    "draft": ("草稿", "Draft"),
    "submitted": ("已报送", "Submitted"),
    "approved": ("已审核", "Approved"),
    "accepted": ("已确认", "Accepted"),
    "overdue": ("逾期", "Overdue"),
    "due_on": ("最早截止", "Earliest due"),
    "your_actions": ("您可执行", "You may"),
    "act_on": ("处理地区", "Act on region"),
    "comment_label": ("意见（退回、解锁须填写）", "Comment (needed to return or unlock)"),
    "comment_placeholder": ("例如：请核实第 3 项数值的口径", "e.g. please check the third value"),
    "acted": ("已{action}：{region} {period} 年，现为“{state}”",
              "Done ({action}): {region} {period} is now {state}"),
    "pick_region": ("请先选择地区", "Choose a region first"),
    "nav_review": ("审核", "Review"),
    "open_entry": ("填报页", "Entry"),
    "open_history": ("修改记录", "History"),
    "open_region": ("地区数值", "Values"),
    "see": ("查看", "See"),
    # who may open which page
    "login_link": ("登录", "Log in"),
    "review_login": ("请先登录后查看审核与报送进度。", "Log in to see the review and reporting "
                     "progress."),
    "review_not_for_role": ("此页面供填报人员、审核人员、统计人员和管理员使用；您的账号无需在此"
                            "处理报送。",
                            "This page is for planners, reviewers, statisticians and admins; "
                            "your account takes no part in the review."),
    "entry_not_for_role": ("此页面供填报人员录入数值；您的账号只能查看数值，请到地区页或修改记录"
                           "查看。",
                           "This page is for planners entering values; your account only reads "
                           "them: see the region's page or the history."),
    # the upload preview of a file with values of years that are not drafts
    "upload_locked": ("以下地区年度的数值不是草稿，本文件不能导入；请先按提示处理：",
                      "This file cannot be loaded: the values of these region-years are not "
                      "drafts. Do as each line says first:"),
    # the history page's revert of a value whose year is not a draft
    "revert_locked": ("所选数值所在年度当前为“{state}”，不能恢复：{reason}",
                      "The chosen value's year is {state}, so it cannot be reverted: {reason}"),
}


def rt(key: str, language: str, **values: object) -> str:
    zh, en = TEXT[key]
    text = en if language == "en" else zh
    return text.format(**values) if values else text


def state_text(state: str, language: str) -> str:
    zh, en = STATE_TEXT[state]
    return en if language == "en" else zh


def action_text(action: str, language: str) -> str:
    if action == "import":
        return rt("import", language)
    zh, en = ACTION_TEXT.get(action, (action, action))
    return en if language == "en" else zh


def when(moment: object) -> str:
    """A moment as a person reads it, in UTC as stored and saying so: 2026-12-05 12:09 UTC."""
    if moment is None or (not isinstance(moment, dt.datetime | str) and pd.isna(moment)):
        return ""
    return pd.Timestamp(moment).strftime("%Y-%m-%d %H:%M") + " UTC"
