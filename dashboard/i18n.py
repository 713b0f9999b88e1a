"""User-facing text in Chinese (default) and English."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("吉林省目标监测", "Jilin target monitor"),
    "app_subtitle": ("吉林省人民政府公报2018年第11期所定目标",
                     "Targets of the Jilin gazette 2018 No. 11"),
    "nav_overview": ("总览", "Overview"),
    "nav_downloads": ("数据下载", "Downloads"),
    "language_switch": ("English", "中文"),
    "demo_banner": ("演示数据：本页数字由程序随机生成，仅供演示，并非真实统计。",
                    "Demo data: the numbers on this page are generated for demonstration "
                    "and are not statistics."),
    "no_data_banner": ("尚无实际数据。请用 targets load 装入，或用 targets demo 装入演示数据。",
                       "No actual values yet. Load them with `targets load`, or demo data "
                       "with `targets demo`."),
    "year": ("年度", "Year"),
    "document": ("文件", "Document"),
    "theme": ("主题", "Theme"),
    "region_class": ("地区类别", "Region class"),
    "region": ("地区", "Region"),
    "indicator": ("指标", "Indicator"),
    "all": ("全部", "All"),
    "status": ("状态", "Status"),
    "met": ("已达标", "Met"),
    "missed": ("未达标", "Missed"),
    "on_track": ("进展顺利", "On track"),
    "at_risk": ("有风险", "At risk"),
    "off_track": ("进度滞后", "Off track"),
    "no_data": ("无数据", "No data"),
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
    "gap": ("差距", "Gap"),
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
    "note": ("说明", "Note"),
    "table_title": ("图表数据", "The numbers behind the charts"),
    "download_shown": ("下载本页数据 (CSV)", "Download what is shown (CSV)"),
    "region_title": ("{region}：各项目标", "{region}: every target"),
    "region_targets": ("适用的目标", "Targets that apply"),
    "not_reported": ("未报送的指标", "Indicators not reported"),
    "all_reported": ("所有指标均已报送。", "Every indicator has been reported."),
    "trend": ("趋势", "Trend"),
    "downloads_title": ("数据下载", "Downloads"),
    "downloads_help": ("内容与命令 targets export 相同。"
                       "CSV 为带 BOM 的 UTF-8，可直接用 Excel 打开。",
                       "The same content as `targets export`. CSV is UTF-8 with a BOM, so Excel "
                       "opens the Chinese text correctly."),
    "from_year": ("起始年份", "From year"),
    "to_year": ("截止年份", "To year"),
    "format": ("格式", "Format"),
    "download": ("下载", "Download"),
    "indicator_not_found": ("未找到指标“{id}”。", "No indicator '{id}'."),
    "region_not_found": ("未找到地区“{id}”。", "No region '{id}'."),
    "page_not_found": ("页面不存在。", "Page not found."),
    "method": ("进展评估方法", "Progress method"),
    "kind_at_least": ("不低于", "at least"),
    "kind_at_most": ("不高于", "at most"),
    "kind_equal": ("等于", "equal to"),
    "kind_range": ("区间", "between"),
    "kind_count_range": ("数量区间", "count between"),
    "kind_higher_than_previous": ("高于上年", "higher than the year before"),
    "kind_lower_than_previous": ("低于上年", "lower than the year before"),
    "kind_annual_step": ("每年增加", "a step each year"),
    "kind_reduction_vs_baseline": ("较基期减少", "reduction from the baseline"),
    "kind_cumulative": ("累计", "cumulative"),
    "kind_zero": ("清零", "down to zero"),
    "kind_milestone": ("按期完成", "done by the deadline"),
    "selected_region": ("突出显示地区", "Highlight region"),
    "targets_of_indicator": ("本指标的目标", "Targets of this indicator"),
    "axis_year": ("年份", "Year"),
    "target_achieved": ("已达目标", "Target achieved"),
    "substantial": ("进展显著", "Substantial progress"),
    "moderate": ("进展一般", "Moderate progress"),
    "limited": ("进展有限", "Limited progress"),
    "deterioration": ("倒退", "Deterioration"),
    "not_available": ("无法评估", "Not available"),
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
    "upload_loaded": ("已写入：新增 {new} 个，修改 {changed} 个，未变 {unchanged} 个。",
                      "Loaded: {new} new, {changed} changed, {unchanged} unchanged."),
    "upload_other_region": ("您只能填报自己负责地区的数据（{region}不在其中）",
                            "you may only write your own regions' values ({region} is not one)"),
    "history_title": ("修改记录", "History"),
    "history_help": ("每个数值的所有版本：谁、何时、来自哪个文件或表单、原值。"
                     "恢复旧值会产生一个新版本。",
                     "Every revision of each value: who, when, from which file or form, and the "
                     "value it replaced. Reverting makes a new revision."),
    "revert": ("恢复所选版本", "Revert to the selected revision"),
    "reverted": ("已恢复，生成了新版本。", "Reverted: a new revision was made."),
    "select_revision": ("请先在表中选择一个版本。", "Select a revision in the table first."),
    "who": ("修改人", "By"),
    "when": ("时间 (UTC)", "When (UTC)"),
    "source": ("来源", "Source"),
    "source_row": ("行号", "Row"),
    "previous_value": ("原值", "Previous value"),
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
