"""User-facing text in Chinese (default) and English."""

from __future__ import annotations

from indicators.labels import KIND_LABELS, OPENSDG_STATUS_LABELS, STATUS_LABELS

LANGUAGES = ("zh", "en")

# Labels of the values the domain core names (indicators.labels); TEXT takes them under their
# values (target kinds under kind_<value>).


def kind_key(kind: str) -> str:
    """The TEXT key of a target kind's label."""
    return f"kind_{kind}"


# Texts of the pages and outputs made for leaders (issue 16), each in its own table so that
# work on one does not touch another's lines; TEXT takes them all.
OVERVIEW_TEXT: dict[str, tuple[str, str]] = {
    "ov_theme_pages": ("本文件指标较多，表格逐个主题显示（每次不超过{count}列）：",
                       "This document has many indicators; the grid shows one theme at a time "
                       "(at most {count} columns):"),
    "ov_summary_title": ("{year}年完成情况", "Results for {year}"),
    "ov_explain": ("到期目标中：已达标（含逾期达标）、未达标、无数据；未到期的目标不算未达标，"
                   "另按进展顺利 / 有风险 / 进度滞后计。达标率 = 已达标 ÷ 有结论的到期目标。",
                   "Of the targets due: met (met late included), missed, no data. Targets not "
                   "yet due are not counted as missed: they are on track, at risk or off "
                   "track. Rate = met ÷ due targets with a verdict."),
    "ov_by_document": ("按文件", "By document"),
    "ov_by_prefecture": ("按市（州）", "By prefecture-level division"),
    "ov_prefecture_note": ("只计各市（州）本级的目标，不含所辖县（市、区）。",
                           "Each division's own targets, not those of its counties."),
    "ov_prefecture": ("市（州）", "Division"),
    "ov_bar_head": ("构成", "Share"),
    "ov_counts_head": ("到期 ✓达标 ✗未达标 ·无数据 ｜ 未到期",
                       "Due ✓met ✗missed ·no data | not due"),
    "ov_rate_head": ("达标率", "Rate"),
    "ov_rate_help": ("已达标 ÷ 有结论的到期目标", "met ÷ due targets with a verdict"),
    "ov_counts_line": ("{due} ｜ 未到期 {not_due}（{trend}）",
                       "{due} | not due {not_due} ({trend})"),
    "ov_of_which_late": ("（含逾期{count}）", " ({count} late)"),
    "ov_seg_met": ("按期达标", "Met on time"),
    "ov_seg_met_late": ("逾期达标", "Met late"),
    "ov_seg_missed": ("未达标", "Missed"),
    "ov_seg_due_no_data": ("到期无数据", "Due, no data"),
    "ov_seg_on_track": ("未到期：进展顺利", "Not due: on track"),
    "ov_seg_at_risk": ("未到期：有风险", "Not due: at risk"),
    "ov_seg_off_track": ("未到期：进度滞后", "Not due: off track"),
    "ov_seg_not_due_other": ("未到期：其他", "Not due: other"),
    "ov_changes_title": ("与上年相比", "Since the year before"),
    "ov_newly_met": ("新达标 {count} 项", "Newly met: {count}"),
    "ov_newly_missed": ("新未达标 {count} 项", "Newly missed: {count}"),
    "ov_no_previous": ("没有上一年的数据可比。", "No previous year to compare with."),
    "ov_behind_title": ("差距最大的十项目标", "The ten targets furthest behind"),
    "ov_none_behind": ("没有落后的目标。", "No target is behind."),
    "ov_actual_target": ("实际 {actual} · 目标 {target}", "actual {actual} · target {target}"),
    "ov_short_by": ("落后 {amount}", "short by {amount}"),
    "ov_over_by": ("超出 {amount}", "over by {amount}"),
    "ov_done": ("已完成", "done"),
    "ov_not_done": ("未完成", "not done"),
    "ov_grid_title": ("逐项查看：地区 × 指标", "Drill down: region × indicator"),
    "ov_grid_help": ("每次显示一个文件或一个主题。点击单元格打开该地区该指标；"
                     "点击列标题查看指标全称。",
                     "One document or theme at a time. Click a cell to open that indicator for "
                     "that region; click a column header for the indicator's full name."),
    "ov_grid_counts_note": ("下列计数针对表中单元格：每个地区每个指标取所选年度到期"
                            "（或其后最近到期）的目标。",
                            "The counts below are of the grid's cells: for each region and "
                            "indicator, the target due in the chosen year (or the next one "
                            "due)."),
    "ov_all_themes": ("全部主题", "All themes"),
    "ov_column_panel": ("{name}（{document}）", "{name} ({document})"),
    "ov_open_indicator": ("打开指标页", "Open the indicator"),
    "ov_due": ("到期 {count}", "Due {count}"),
    "ov_not_yet_due": ("未到期 {count}", "Not yet due {count}"),
    "ov_not_due_head": ("未到期", "Not yet due"),
}

MAP_TEXT: dict[str, tuple[str, str]] = {
    "map_title": ("地图", "Map"),
    "map_intro": ("每个方块一个地区，按大致地理位置排列（等面积方块图，不是行政区划界线）。"
                  "点击方块打开该地区。",
                  "One square per region, laid out by approximate geography (an equal-area "
                  "tile map, not boundaries). Tap a square to open the region."),
    "map_level": ("层级", "Level"),
    "map_level_prefecture": ("市州", "Prefectures"),
    "map_level_county": ("县市区", "Counties and districts"),
    "map_indicator": ("指标（可选）", "Indicator (optional)"),
    "map_all_targets": ("全部目标的达标率", "Share of all due targets met"),
    "map_rate": ("到期目标达标", "Due targets met"),
    "map_rate_scale": ("到期目标达标率（含逾期达标）", "Due targets met (incl. met late)"),
    "map_no_verdict": ("无结论（无到期目标或无数据）", "No verdict (nothing due or no data)"),
    "map_no_target": ("该地区无此指标的目标", "No target of this indicator here"),
    "map_legend_rate": ("颜色：到期且有结论的目标中达标（含逾期达标）的比例。",
                        "Colour: share of the due targets with a verdict that are met "
                        "(on time or late)."),
    "map_list": ("全部地区（按达标率，低者在前）", "All regions (by share met, lowest first)"),
    "map_legend_status": ("颜色与符号：该指标的目标状态。", "Colour and symbol: the status of "
                          "this indicator's target."),
}

SCORECARD_TEXT: dict[str, tuple[str, str]] = {
    "scorecard_sparse": ("到期的{due}项目标中仅{count}项有结果，达标率和排名仅供参考",
                         "only {count} of {due} due targets have a result: the rate and the "
                         "rank say little"),
    # Gaps, values and milestones worded for people (dashboard/wording.py).
    "word_behind": ("落后 {amount}", "{amount} behind"),
    "word_ahead": ("超出 {amount}", "{amount} ahead"),
    "word_above_target": ("高于目标 {amount}", "{amount} above the target"),
    "word_below_target": ("低于目标 {amount}", "{amount} below the target"),
    "word_on_target": ("达标", "on target"),
    "word_done": ("已完成", "done"),
    "word_not_done": ("未完成", "not done"),
    "word_done_in": ("已完成（{year}年）", "done ({year})"),
    "word_not_done_by": ("未完成（期限 {deadline}）", "not done (due {deadline})"),
    "word_not_done_ongoing": ("未完成（长期任务）", "not done (ongoing)"),
    "word_ongoing": ("长期任务", "ongoing"),
    # The region scorecard (dashboard/pages/region.py, dashboard/scorecard.py).
    "scorecard_title": ("{region}：目标完成情况", "{region}: targets"),
    "scorecard_year": ("{year}年度", "Year {year}"),
    "scorecard_met": ("已达标", "Met"),
    "scorecard_met_late_part": ("含逾期达标 {count}", "incl. {count} met late"),
    "scorecard_missed": ("未达标", "Missed"),
    "scorecard_due_no_data": ("到期无数据", "Due, no data"),
    "scorecard_not_yet_due": ("未到期", "Not yet due"),
    "scorecard_not_yet_due_parts": ("进展顺利 {on_track} · 有风险 {at_risk} · 进度滞后 "
                                    "{off_track} · 无数据 {no_data}",
                                    "on track {on_track} · at risk {at_risk} · off track "
                                    "{off_track} · no data {no_data}"),
    "scorecard_rate": ("达标率", "Share met"),
    "scorecard_rate_note": ("已到期且有结果的 {due} 个目标中达标 {met} 个（含逾期达标）；"
                            "未到期的目标不计入",
                            "{met} of the {due} due targets with a result met (on time or "
                            "late); targets not yet due are not counted"),
    "scorecard_rate_none": ("尚无已到期且有结果的目标", "No due target has a result yet"),
    "scorecard_rank": ("达标率排名", "Rank by share met"),
    "scorecard_rank_value": ("第 {rank} / {total}（{peers}）", "{rank} of {total} ({peers})"),
    "scorecard_no_rank": ("无达标率，不参与排名", "No share met: not ranked"),
    "peers_prefecture": ("市州", "prefecture-level divisions"),
    "peers_county": ("县级地区", "county-level divisions"),
    "scorecard_change": ("与上年相比", "Since the year before"),
    "scorecard_newly_met": ("新达标 {count} 项", "{count} newly met"),
    "scorecard_newly_missed": ("新未达标 {count} 项", "{count} newly missed"),
    "scorecard_named": ("{name}（{deadline}）", "{name} ({deadline})"),
    "scorecard_and_more": (" 等（另 {count} 项）", "; and {count} more"),
    "scorecard_no_change": ("无变化", "no change"),
    "scorecard_no_previous": ("无上年数据可比", "No previous year to compare"),
    "scorecard_by_document": ("按文件列出的目标", "Targets by document"),
    "scorecard_no_data_targets": ("无数据的目标 ({count})", "Targets without data ({count})"),
    "scorecard_document_counts": ("已达标 {met} · 未达标 {missed} · 到期无数据 {no_data} · "
                                  "未到期 {not_yet_due}",
                                  "met {met} · missed {missed} · due, no data {no_data} · "
                                  "not yet due {not_yet_due}"),
    "scorecard_clause": ("条款 {clause}", "clause {clause}"),
    "scorecard_deadline": ("期限 {deadline}", "due {deadline}"),
    "scorecard_target": ("目标 {value}", "target {value}"),
    "scorecard_actual": ("实际 {value}（{year}年）", "actual {value} ({year})"),
}

BRIEFING_TEXT: dict[str, tuple[str, str]] = {
    "brief_button": ("下载简报（PDF）", "Briefing (PDF)"),
    "brief_title": ("{region} {year}年目标完成情况简报", "{region}: targets in {year}, a briefing"),
    "brief_label_demo": ("演示数据：并非真实统计", "Demo data: not real statistics"),
    "brief_label_published": ("已发布数据：来源见附注", "Published figures: sources in the notes"),
    "brief_summary": ("目标完成情况", "Targets at a glance"),
    "brief_count_met": ("已达标（含逾期）", "Met (incl. late)"),
    "brief_count_due_no_data": ("到期无数据", "Due, no data"),
    "brief_count_not_yet_due": ("未到期", "Not yet due"),
    "brief_not_yet_due": ("未到期目标：{parts}", "Targets not yet due: {parts}"),
    "brief_list_separator": ("，", ", "),
    "brief_rate": ("达标率 {rate}：到期且有结论的 {verdict} 项目标中已达标 {met} 项"
                   "（含逾期达标 {late} 项）",
                   "Met rate {rate}: {met} of the {verdict} due targets with a verdict are met "
                   "({late} of them late)"),
    "brief_rate_none": ("无达标率：没有到期且有结论的目标",
                        "No met rate: no due target has a verdict"),
    "brief_rank": ("在 {peers} 个{level}中排第 {rank} 位", "Ranked {rank} of {peers} {level}"),
    "brief_rank_none": ("未排名：没有到期且有结论的目标",
                        "Not ranked: no due target has a verdict"),
    "brief_level_prefecture": ("地级行政区", "prefecture-level divisions"),
    "brief_level_county": ("县级行政区", "county-level divisions"),
    "brief_change": ("与{year}年相比：新达标 {met} 项，新未达标 {missed} 项",
                     "Since {year}: {met} newly met, {missed} newly missed"),
    "brief_change_none": ("无{year}年数据可比", "No {year} figures to compare with"),
    "brief_peers_title": ("各市（州）达标率", "Met rate by prefecture-level division"),
    "brief_col_region": ("地区", "Region"),
    "brief_col_rate": ("达标率", "Met rate"),
    "brief_col_met": ("达标 / 到期有结论", "Met / due with a verdict"),
    "brief_behind_title": ("差距最大的目标", "Targets furthest behind"),
    "brief_behind_none": ("没有落后的目标", "No target is behind"),
    "brief_col_indicator": ("指标", "Indicator"),
    "brief_col_actual": ("实际值", "Actual"),
    "brief_col_target": ("目标", "Target"),
    "brief_col_gap": ("差距", "Gap"),
    "brief_col_source": ("来源", "Source"),
    "brief_actual": ("{value}（{period}年）", "{value} ({period})"),
    "brief_target": ("{kind} {amount} {unit}（{deadline}）", "{kind} {amount} {unit} ({deadline})"),
    "brief_milestone_target": ("{deadline} 前完成", "done by {deadline}"),
    "brief_ongoing": ("长期任务（{year}年）", "ongoing task ({year})"),
    "brief_done": ("已完成", "Done"),
    "brief_not_done": ("未完成", "Not done"),
    "brief_gap_behind": ("落后 {amount} {unit}", "{amount} {unit} short"),
    "brief_gap_over": ("超出 {amount} {unit}", "{amount} {unit} over"),
    "brief_gap_under": ("低于 {amount} {unit}", "{amount} {unit} under"),
    "brief_note": ("达标率只计到期且有结论（已达标、逾期达标、未达标）的目标；"
                   "未到期的目标不计为未达标。差距：百分比指标以百分点计。",
                   "The met rate counts only due targets with a verdict (met, met late, missed); "
                   "a target not yet due is never counted as not met. Gaps of percentages are in "
                   "percentage points."),
}

NAVIGATION_TEXT: dict[str, tuple[str, str]] = {
    "nav_map": ("地图", "Map"),
    "nav_menu": ("菜单", "Menu"),
    "target_source": ("目标出处", "Target (document, clause)"),
    "file_column": ("列", "Column"),
}


TEXT: dict[str, tuple[str, str]] = {
    **OVERVIEW_TEXT, **MAP_TEXT, **SCORECARD_TEXT, **BRIEFING_TEXT, **NAVIGATION_TEXT,
    "app_title": ("吉林省目标监测", "Jilin target monitor"),
    "app_subtitle": ("吉林省人民政府公报2018年第11期所定目标",
                     "Targets of the Jilin gazette 2018 No. 11"),
    "nav_overview": ("总览", "Overview"),
    "nav_downloads": ("数据下载", "Downloads"),
    "language_switch": ("English", "中文"),
    "published_banner": (
        "已发布数据：本页数字摘自公开发布的统计资料（统计公报、政府工作报告及其报道），"
        "数据稀疏且有滞后。每个数值的出处和原文见指标页数据表的“来源”“备注”两列，年份或单位存疑处已注明。",
        "Published figures: the numbers here are taken from published statistics (bulletins, "
        "government work reports and reports of them), sparse and lagged. Each value's source "
        "and the phrase that states it are in the source and note columns of the indicator "
        "page's table; an uncertain year or unit is said there."),
    "demo_banner": ("演示数据：本页数字由程序随机生成，仅供演示，并非真实统计。",
                    "Demo data: the numbers on this page are generated for demonstration "
                    "and are not statistics."),
    "no_data_banner": ("尚无实际数据。请用 targets load 装入，或用 targets demo 装入演示数据。",
                       "No actual values yet. Load them with `targets load`, or demo data "
                       "with `targets demo`."),
    "year": ("年度", "Year"),
    "data_as_of": ("数据截至 {year}年", "Data as of {year}"),
    "value_year": ("{year}年", "{year}"),
    "stale": ("数据已旧", "old data"),
    "values_loaded": ("已有数据", "Values loaded"),
    "document": ("文件", "Document"),
    "theme": ("主题", "Theme"),
    "region_class": ("地区类别", "Region class"),
    "region": ("地区", "Region"),
    "indicator": ("指标", "Indicator"),
    "all": ("全部", "All"),
    "status": ("状态", "Status"),
    **STATUS_LABELS,
    "overview_title": ("目标完成情况总览", "Target overview"),
    "overview_counts_note": ("每个地区每个指标取所选年度到期（或其后最近到期）的目标。",
                             "For each region and indicator, the target due in the chosen year "
                             "(or the next one due)."),
    "grid_title": ("地区 × 指标", "Region × indicator"),
    "grid_help": ("点击单元格查看该地区该指标的详情。",
                  "Click a cell to open that indicator for that region."),
    "rate_title": ("各指标达标率", "Share of regions meeting their target"),
    "rate": ("达标率", "Share meeting"),
    "regions_reporting": ("有数据地区", "Regions reporting"),
    "furthest_behind": ("差距最大的地区", "Furthest behind"),
    "target": ("目标", "Target"),
    "targets": ("目标", "Targets"),
    "deadline": ("期限", "Deadline"),
    "actual": ("实际值", "Actual"),
    "period": ("年份", "Year"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "gap": ("差距(实际−目标)", "Gap (actual − target)"),
    "gap_pct": ("差距(%)", "Gap (%)"),
    "anticipated": ("预计到期值", "Anticipated at deadline"),
    "required_change": ("每年需变化", "Change needed per year"),
    "trend_title": ("各地区实际值与目标", "Actual values against each region's target"),
    "gap_title": ("{year}年各地区与目标的差距", "Gap to target by region, {year}"),
    "anticipation_title": ("未到期目标：按趋势预计",
                           "Targets not yet due: anticipated from the trend"),
    "provenance_title": ("出处", "Source"),
    "clause": ("条款", "Clause"),
    "quote": ("原文", "Quote"),
    "context": ("上下文", "In context"),
    "note": ("说明（英文）", "Note"),
    "table_title": ("图表数据", "The numbers behind the charts"),
    "download_shown": ("下载本指标数据 (CSV，列同“数据下载”)",
                       "Download this indicator's data (CSV, the Downloads page's columns)"),
    "region_title": ("{region}：各项目标", "{region}: every target"),
    "comparison_region_title": ("{region}（对比地区）", "{region} (comparison region)"),
    "region_targets": ("适用的目标", "Targets that apply"),
    "not_reported": ("未报送的指标", "Indicators not reported"),
    "all_reported": ("所有指标均已报送。", "Every indicator has been reported."),
    "trend": ("趋势", "Trend"),
    "downloads_title": ("数据下载", "Downloads"),
    "downloads_help": ("内容与命令 targets export 相同。"
                       "CSV 为带 BOM 的 UTF-8，可直接用 Excel 打开。"
                       "SDMX-CSV 供统计系统读取，其结构（代码表、数据结构定义）由命令 "
                       "targets sdmx structure 给出。",
                       "The same content as the command targets export. CSV is UTF-8 with a "
                       "BOM, so Excel opens the Chinese text correctly. SDMX-CSV is for "
                       "statistical systems; its structure (codelists, data structure "
                       "definitions) comes from the command targets sdmx structure."),
    "from_year": ("起始年份", "From year"),
    "to_year": ("截止年份", "To year"),
    "format": ("格式", "Format"),
    "download": ("下载", "Download"),
    "indicator_not_found": ("未找到指标“{id}”。", "No indicator '{id}'."),
    "source_names": ("统计资料中的名称", "Names in statistical sources"),
    "definition": ("统计口径", "Statistical definition"),
    "definition_source": ("出处", "source"),
    "no_definition": ("统计口径：尚无可引用的出处，暂缺。",
                      "Statistical definition: none yet, for want of a citable source."),
    "not_to_confuse": ("勿与“{name}”混淆", "Not to be confused with {name}"),
    "region_not_found": ("未找到地区“{id}”。", "No region '{id}'."),
    "page_not_found": ("页面不存在。", "Page not found."),
    "method": ("进展评估方法", "Progress method"),
    **{kind_key(kind): label for kind, label in KIND_LABELS.items()},
    "selected_region": ("突出显示地区", "Highlight region"),
    "targets_of_indicator": ("本指标的目标", "Targets of this indicator"),
    "axis_year": ("年份", "Year"),
    "region_code": ("地区代码", "Region code"),
    "target_id": ("目标编号", "Target id"),
    "target_value": ("目标值", "Target value"),
    "done": ("已完成", "Done"),
    "not_done": ("未完成", "Not done"),
    "no_target_due": ("{year}年没有到期的目标", "No target due in {year}"),
    "other_regions_band": ("其他地区（10%–90%分位）", "Other regions (10th–90th percentile)"),
    "other_regions_median": ("其他地区中位数", "Other regions' median"),
    "gap_ends": ("共{total}个地区，显示差距两端的{shown}个",
                 "{shown} of {total} regions: both ends"),
    "table_one_region": ("共{total}行，此处只列所选地区；全部数据请到“数据下载”。",
                         "{total} rows in all: only the chosen region is listed here; "
                         "the Downloads page has them all."),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "skipped": ("已跳过", "skipped"),
    **OPENSDG_STATUS_LABELS,
    "method_escap": ("本系统方法（到期达标/按趋势预计）", "Ours (met by the deadline / trend)"),
    "method_opensdg": ("Open SDG 方法（增长率）", "Open SDG (growth rates)"),
    "opensdg_score": ("Open SDG 得分", "Open SDG score"),
    "nav_entry": ("数据填报", "Enter data"),
    "nav_upload": ("上传文件", "Upload"),
    "nav_history": ("修改记录", "History"),
    "login_needed": ("此页面需要以填报人员身份登录。", "This page needs a planner's login."),
    "login_link": ("登录", "Log in"),
    "entry_title": ("数据填报", "Enter values"),
    "entry_help": ("选择地区和年份，在“新数值”一栏填写实际值；填写时即检查，全部无误后一次保存。",
                   "Choose a region and a year and type the actual values in the 'New value' "
                   "column; each is checked as you type, and all are saved at once."),
    "upload_link": ("改为上传文件", "Upload a file instead"),
    "history_link": ("查看修改记录", "See the history"),
    "save": ("保存", "Save"),
    "stored_value": ("已存数值", "Stored value"),
    "new_value": ("新数值", "New value"),
    "problem": ("问题", "Problem"),
    "entry_errors": ("有 {count} 处错误，改正后才能保存。",
                     "{count} error(s): correct them before saving."),
    "entry_not_saved": ("未保存：有 {count} 处错误，见标红的单元格。",
                        "Nothing saved: {count} error(s), see the cells marked in red."),
    "entry_nothing": ("没有填写新数值。", "No new values were typed."),
    "entry_saved": ("已保存：新增 {new} 个，修改 {changed} 个。",
                    "Saved: {new} new, {changed} changed."),
    "entry_conflict": ("未保存：以下数值在您打开本页后已被他人修改。"
                       "表格已刷新为最新值，请核对后重新填写。",
                       "Nothing saved: someone else changed these values after you opened the "
                       "page. The table now shows the latest values; check them and enter "
                       "yours again."),
    "upload_title": ("上传文件", "Upload a file"),
    "upload_help": ("上传 CSV 或 XLSX 文件（不超过 10 MB）。先预览并检查每一行，确认后才写入。",
                    "Upload a CSV or XLSX file (up to 10 MB). Every row is checked in a preview; "
                    "nothing is written until you confirm."),
    "upload_drop": ("拖放文件到此处，或点击选择文件", "Drop a file here, or click to choose one"),
    "upload_template": ("下载填报模板 (XLSX)", "Download a template (XLSX)"),
    "upload_confirm": ("确认写入", "Confirm and load"),
    "upload_ok": ("检查通过：{count} 个数值可以写入。",
                  "Check passed: {count} values can be loaded."),
    "upload_errors": ("有 {count} 处错误，未写入任何数据。请改正文件后重新上传。",
                      "{count} error(s); nothing was written. Correct the file and upload it "
                      "again."),
    "upload_too_large": ("文件超过 10 MB，未接收。", "The file is over 10 MB and was refused."),
    "upload_busy": ("服务器正忙，请稍后再试。",
                    "The server is busy checking other files: try again shortly."),
    "upload_loaded": ("已写入：新增 {new} 个，修改 {changed} 个，未变 {unchanged} 个。",
                      "Loaded: {new} new, {changed} changed, {unchanged} unchanged."),
    "upload_skip": ("跳过未知的指标和地区", "Skip unknown indicators and regions"),
    "upload_skip_help": ("年鉴等文件中本系统不监测的指标列和地区行（如外省）将被跳过并"
                         "逐一列出；其余行中的任何错误仍会拒收整个文件。",
                         "Columns of indicators and rows of regions this system does not monitor "
                         "(such as other provinces) are skipped and each is listed; an "
                         "error in any other row still refuses the whole file."),
    "upload_skipped": ("已跳过 {columns} 列、{rows} 行（未知的指标和地区，见下表）。",
                       "Skipped {columns} column(s) and {rows} row(s) (unknown indicators and "
                       "regions, listed below)."),
    "upload_loaded_skipped": ("已跳过 {count} 行/列。", "{count} row(s)/column(s) skipped."),
    "upload_other_region": ("您只能填报自己负责地区的数据（{region}不在其中）",
                            "you may only write your own regions' values ({region} is not one)"),
    "history_title": ("修改记录", "History"),
    "history_help": ("每个数值的所有版本：谁、何时、来自哪个文件或表单、原值。"
                     "恢复旧值会产生一个新版本。",
                     "Every revision of each value: who, when, from which file or form, and the "
                     "value it replaced. Reverting makes a new revision."),
    "revert": ("恢复所选版本", "Revert to the selected revision"),
    "reverted": ("已恢复，生成了新版本。", "Reverted: a new revision was made."),
    "already_current": ("所选版本的数值已是当前值，无需恢复，未生成新版本。",
                        "The chosen revision's value is already the current value: nothing "
                        "to revert, no new revision was made."),
    "select_revision": ("请先在表中选择一个版本。", "Select a revision in the table first."),
    "who": ("修改人", "By"),
    "when": ("时间 (UTC)", "When (UTC)"),
    "source": ("来源", "Source"),
    "source_row": ("行号", "Row"),
    "previous_value": ("原值", "Previous value"),
    # Context indicators (no target) and comparison regions (全国): shown, never judged.
    "comparison_suffix": ("（对比）", " (comparison)"),
    "context_note": ("背景指标：没有目标，只作参照，不作评价",
                     "Context indicator: no target; shown for reference and never judged"),
    "no_target_provenance": ("本指标没有目标：吉林省的文件未对其设定目标，数值只作参照。",
                             "This indicator has no target: no Jilin document sets one, so "
                             "its values are shown for reference only."),
    "value_note": ("备注", "Note"),
    "context_values": ("背景与对比数值", "Context and comparison values"),
    "context_values_help": ("没有适用于本地区的目标的指标：数值只作参照，不作评价。",
                            "Indicators with no target for this region: shown for reference, "
                            "never judged."),
    "latest_value": ("最新值", "Latest value"),
    "comparison_note": ("对比地区：数值只作参照，不按吉林省的目标评价",
                        "Comparison region: its values are shown for reference and never "
                        "judged against Jilin's targets"),
    # Which values a reading page shows: the accepted ones (default) or all current ones.
    "values_switch": ("显示未确认数值", "Show values not yet accepted"),
    "basis_accepted": ("状态按已确认数值计算", "Statuses computed from accepted values"),
    "basis_all": ("状态含未确认数值计算", "Statuses computed including values not yet accepted"),
    "not_accepted": ("未确认", "not accepted"),
    "accepted": ("已确认", "accepted"),
    "acceptance": ("确认", "Acceptance"),
    "briefing_accepted_values": ("数值均为已确认数值。", "All values are accepted values."),
    "briefing_all_values": ("含未确认数值：标“未确认”的数值尚未确认，状态含其计算。",
                            "Includes values not yet accepted: those marked \"not accepted\" "
                            "are not yet accepted, and statuses are computed with them."),
    # Why the grid's counts differ from `targets status` (one row per target x region).
    # The first screen's "by document" counts every target x region, as targets status does.
    "ov_pairs_note": ("此处按地区 × 指标计数（每对取一个目标）；首屏“按文件”的汇总和 targets "
                      "status 按目标 × 地区计数，一个指标可有多个目标，故其总数更多",
                      "Counted here by region × indicator (one target a pair); the first "
                      "screen's \"by document\" and targets status count target × region, "
                      "and an indicator can have several targets, so their totals are larger"),
}


def t(key: str, language: str, **values: object) -> str:
    """The text for `key` in `language`, with {placeholders} filled in."""
    zh, en = TEXT[key]
    text = en if language == "en" else zh
    return text.format(**values) if values else text


def pick(language: str, zh: str, en: str) -> str:
    """Choose between a Chinese and an English name of a catalogue entry."""
    return en if language == "en" else zh


def language_of(value: object) -> str:
    return "en" if value == "en" else "zh"
