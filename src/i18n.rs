//! Every label of both sites in English and Japanese (`lang` in
//! casebook.toml). Templates read them as `t.<key>`.

use std::collections::BTreeMap;

/// The language of a site or a client (`lang` in casebook.toml and
/// client.toml).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// `en` or `ja`, as written in casebook.toml and client.toml.
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// Why `code` is not a language, for an error message.
    pub fn unknown(code: &str) -> String {
        format!("unknown lang `{code}`; expected \"en\" or \"ja\"")
    }
}

/// (key, English, Japanese).
const LABELS: &[(&str, &str, &str)] = &[
    ("dashboard", "Portfolio", "ポートフォリオ"),
    ("cohorts", "Cohorts", "コホート"),
    ("clients", "Clients", "クライアント"),
    ("client", "Client", "クライアント"),
    ("as_of", "As of", "基準月"),
    ("confidential", "Confidential — internal use only", "社外秘 — 社内限定"),
    ("monthly_review", "Monthly review", "月次レビュー"),
    ("name", "Name", "名称"),
    ("industry", "Industry", "業種"),
    ("channel", "Channel", "獲得チャネル"),
    ("client_since", "Client since", "取引開始"),
    ("segment", "Segment", "セグメント"),
    ("touch", "Touch", "タッチ"),
    ("health", "Health", "ヘルス"),
    ("revenue_month", "Revenue this month", "当月売上"),
    ("revenue_year_ago", "Same month last year", "前年同月"),
    ("revenue_t12", "Revenue, last 12 months", "直近12か月売上"),
    ("revenue_ltv", "Lifetime revenue", "累計売上 (LTV)"),
    ("profit_ltv", "Lifetime profit after CAC", "CAC控除後の累計粗利"),
    ("ltv_cac", "LTV:CAC", "LTV:CAC"),
    ("tenure", "Tenure", "取引期間"),
    ("months", "months", "か月"),
    ("nps_latest", "Latest NPS score", "最新NPSスコア"),
    ("nps", "NPS", "NPS"),
    ("avg_invoice", "Average invoice", "平均請求額"),
    ("invoices_per_month", "Invoices per month", "月あたり請求件数"),
    ("clients_alive", "Active clients", "稼働クライアント"),
    ("clients_new", "New this month", "当月新規"),
    ("clients_churned", "Churned this month", "当月解約"),
    ("arpa_month", "Revenue per active client", "稼働1社あたり売上"),
    (
        "churn_t12",
        "Monthly churn (12-month pooled)",
        "月次解約率 (12か月平均)",
    ),
    ("predicted_ltv", "Predicted LTV (gross profit)", "予測LTV (粗利)"),
    (
        "avg_cac",
        "Average CAC (new clients, 12 months)",
        "平均CAC (直近12か月の新規)",
    ),
    ("cac_payback", "CAC payback", "CAC回収期間"),
    ("nrr", "Net revenue retention", "売上継続率 (NRR)"),
    ("grr", "Gross revenue retention", "売上維持率 (GRR)"),
    ("nps_t12", "NPS, last 12 months", "NPS (直近12か月)"),
    ("upsell_rate", "Upsell rate", "アップセル率"),
    ("cross_sell_rate", "Cross-sell rate", "クロスセル率"),
    ("at_risk_list", "Clients at risk", "要注意クライアント"),
    (
        "no_clients_at_risk",
        "No client is at risk this month.",
        "今月、要注意のクライアントはありません。",
    ),
    ("signals", "Signals", "シグナル"),
    (
        "no_signals",
        "No warning signals this month.",
        "今月の警告シグナルはありません。",
    ),
    ("next_step", "Suggested next step", "推奨アクション"),
    ("notes", "Notes of the month", "今月のメモ"),
    ("no_notes", "No notes for this month.", "今月のメモはありません。"),
    ("invoices_of_month", "Invoices of the month", "今月の請求"),
    ("no_invoices", "No invoice this month.", "今月の請求はありません。"),
    ("service", "Service", "サービス"),
    ("kind", "Kind", "種別"),
    ("description", "Description", "摘要"),
    ("amount", "Amount", "金額"),
    ("total", "Total", "合計"),
    ("kind_new", "New", "新規"),
    ("kind_recurring", "Recurring", "継続"),
    ("kind_upsell", "Upsell", "アップセル"),
    ("kind_cross-sell", "Cross-sell", "クロスセル"),
    ("kind_one-off", "One-off", "単発"),
    ("outcomes", "Outcomes", "成果"),
    ("kpi", "KPI", "KPI"),
    ("baseline", "Baseline", "ベースライン"),
    ("current", "Current", "現在"),
    ("change", "Change", "変化"),
    ("target", "Target", "目標"),
    ("ltv_drivers", "LTV drivers", "LTVの要因"),
    ("month", "Month", "月"),
    ("revenue", "Revenue", "売上"),
    ("unknown", "unknown", "不明"),
    ("none", "none", "なし"),
    ("view_report", "Report", "レポート"),
    ("all_reports", "All monthly reports", "月次レポート一覧"),
    ("segment_loyal", "Loyal", "ロイヤル"),
    ("segment_stable", "Stable", "安定"),
    ("segment_at_risk", "At risk", "要注意"),
    ("segment_churned", "Churned", "解約"),
    ("touch_high", "High touch", "ハイタッチ"),
    ("touch_low", "Low touch", "ロータッチ"),
    ("touch_tech", "Tech touch", "テックタッチ"),
    (
        "step_loyal",
        "Ask for a success story or a referral; offer the next tier.",
        "事例掲載や紹介をお願いし、上位プランを提案する。",
    ),
    (
        "step_stable",
        "Show the value they are not using yet; propose a cross-sell.",
        "まだ活用されていない価値を示し、クロスセルを提案する。",
    ),
    (
        "step_at_risk",
        "Listen first: re-onboard and fix what hurts. No selling this month.",
        "まず傾聴し、再オンボーディングで課題を解消する。今月は営業をしない。",
    ),
    (
        "step_churned",
        "Hold an exit interview and keep the door open.",
        "解約理由をヒアリングし、再開の余地を残す。",
    ),
    ("stories", "Success stories", "導入事例"),
    ("skip_to_content", "Skip to content", "本文へ移動"),
    ("read_story", "Read the story", "事例を読む"),
    (
        "no_stories",
        "No stories are published yet.",
        "公開中の事例はまだありません。",
    ),
    ("results", "Results", "成果"),
    ("by_industry", "Stories by industry", "業種別の事例"),
    ("by_service", "Stories by service", "サービス別の事例"),
    ("stories_in", "Stories:", "事例:"),
    ("all_stories", "All stories", "すべての事例"),
    ("not_found", "Page not found", "ページが見つかりません"),
    (
        "not_found_text",
        "There is no page at this address. It may have moved, or the story may no longer be published.",
        "このアドレスのページはありません。移動したか、事例の公開が終了した可能性があります。",
    ),
    (
        "site_description",
        "Success stories of our clients, published with their consent.",
        "お客様の同意を得て公開している導入事例です。",
    ),
    ("pages", "Pages", "ページ"),
    ("feed", "Feed", "フィード"),
    ("data_table", "Data", "データ"),
    (
        "sort_hint",
        "Click a column header to sort.",
        "列見出しをクリックすると並べ替えます。",
    ),
    ("revenue_trend", "Revenue trend", "売上トレンド"),
    ("break_even", "Break-even", "損益分岐"),
    (
        "cumulative_title",
        "Cumulative revenue against acquisition cost",
        "累計売上と獲得コスト",
    ),
    ("cumulative_revenue", "Cumulative revenue", "累計売上"),
    ("health_title", "Health score components", "ヘルススコアの内訳"),
    ("score_0_100", "Score (0–100)", "スコア (0–100)"),
    ("no_data", "no data", "データなし"),
    ("chart_no_data", "No data", "データなし"),
    ("moving_average_3", "3-month moving average", "3か月移動平均"),
    ("component", "Component", "要素"),
    ("score", "Score", "スコア"),
    ("weight", "Weight", "重み"),
    ("nps_history", "NPS responses over time", "NPS回答の推移"),
    ("date", "Date", "日付"),
    ("detractors", "Detractors (0–6)", "批判者 (0–6)"),
    ("passives", "Passives (7–8)", "中立者 (7–8)"),
    ("promoters", "Promoters (9–10)", "推奨者 (9–10)"),
    ("respondent", "Respondent", "回答者"),
    ("comment", "Comment", "コメント"),
    ("reached", "Target reached", "目標達成"),
    ("improving", "Improving", "改善中"),
    ("behind", "Behind", "未改善"),
    ("in_total", "in total", "社(累計)"),
    ("arpa_t12", "12 months", "12か月"),
    ("this_month", "this month", "当月"),
    (
        "portfolio_revenue",
        "Monthly revenue, last 24 months",
        "月次売上 (直近24か月)",
    ),
    (
        "revenue_desc",
        "Bars: revenue of each month. Line: 3-month moving average.",
        "棒: 各月の売上。線: 3か月移動平均。",
    ),
    (
        "alive_churn_title",
        "Active clients and monthly churn rate",
        "稼働クライアント数と月次解約率",
    ),
    ("churn_rate", "Churn rate", "解約率"),
    ("new", "New", "新規"),
    ("churned", "Churned", "解約"),
    ("reactivated", "Reactivated", "復活"),
    (
        "flows_title",
        "New, churned and reactivated clients",
        "新規・解約・復活クライアント",
    ),
    ("segments_title", "Clients by segment", "セグメント別クライアント数"),
    (
        "channel_title",
        "Realised LTV:CAC by acquisition channel",
        "獲得チャネル別 実績LTV:CAC",
    ),
    (
        "channel_desc",
        "Gross profit to date divided by acquisition cost; 3× or more is healthy.",
        "これまでの粗利÷獲得コスト。3倍以上が健全。",
    ),
    ("healthy_ratio", "healthy (3×)", "健全ライン (3倍)"),
    ("avg_cac_short", "Average CAC", "平均CAC"),
    ("revenue_ltv_mean", "Mean lifetime revenue", "平均累計売上"),
    (
        "nps_distribution",
        "NPS responses by score, last 12 months",
        "スコア別NPS回答数 (直近12か月)",
    ),
    ("responses", "Responses", "回答数"),
    ("reason_nps", "Low NPS score", "NPSスコアが低い"),
    ("reason_health", "Low health score", "ヘルススコアが低い"),
    ("cohort", "Cohort", "コホート"),
    (
        "retention_title",
        "Client retention by cohort",
        "コホート別 クライアント継続率",
    ),
    (
        "retention_desc",
        "Share of each start-month cohort with revenue k months later.",
        "開始月コホートのうち、kか月後に売上があった割合。",
    ),
    ("months_since_start", "Months since start", "開始からの月数"),
    (
        "revenue_retention_title",
        "Revenue retention by cohort",
        "コホート別 売上継続率",
    ),
    (
        "revenue_retention_desc",
        "Revenue k months later as a share of the cohort's first-month revenue.",
        "kか月後の売上 ÷ 初月売上。",
    ),
    (
        "cumulative_cohort_title",
        "Cumulative revenue per client by cohort",
        "コホート別 1社あたり累計売上",
    ),
    (
        "cumulative_cohort_desc",
        "Lifetime revenue per client of each cohort, month by month.",
        "各コホートの1社あたり累計売上の推移。",
    ),
    (
        "client_revenue_all",
        "Monthly revenue since the start",
        "取引開始以来の月次売上",
    ),
    (
        "client_revenue_24",
        "Monthly revenue, last 24 months",
        "月次売上 (直近24か月)",
    ),
    ("previous", "previous", "前回"),
    ("vs_last_month", "vs last month", "前月比"),
    ("vs_year_ago", "This month is", "当月との差"),
    // ---- revenue bridge, fiscal year, trends, downloads (issue 15) ----
    ("month_one", "month", "か月"),
    ("no_change", "no change", "変化なし"),
    ("first_month", "first month", "初月"),
    ("no_figure_then", "no figure then", "比較値なし"),
    ("no_data_year_ago", "no data a year ago", "前年データなし"),
    ("points", "pt", "ポイント"),
    ("better", "better", "改善"),
    ("worse", "worse", "悪化"),
    ("vs_a_year_ago", "vs a year ago", "前年同月比"),
    (
        "bridge_section",
        "Where the revenue came from and where it went",
        "売上の増減要因",
    ),
    ("bridge_title_t12", "Revenue bridge, 12 months", "売上ブリッジ (12か月)"),
    (
        "bridge_title_month",
        "Revenue bridge, this month",
        "売上ブリッジ (当月)",
    ),
    (
        "movements_title",
        "Revenue movements, last 24 months",
        "売上の増減 (直近24か月)",
    ),
    (
        "movements_desc",
        "Gains stacked above zero, losses below; the line is the net change of revenue.",
        "増加はゼロより上、減少は下に積み上げ。線は売上の純増減。",
    ),
    ("net_change", "Net change", "純増減"),
    ("increase", "Increase", "増加"),
    ("decrease", "Decrease", "減少"),
    ("movement", "Movement", "増減区分"),
    ("quick_ratio", "Quick ratio", "クイックレシオ"),
    ("quick_ratio_hint", "gains per yen lost", "減少1円あたりの増加"),
    ("prev_12_months", "Previous 12 months", "前の12か月"),
    ("last_12_months", "Last 12 months", "直近12か月"),
    ("this_month_cap", "This month", "当月"),
    ("mv_new", "New", "新規"),
    ("mv_reactivated", "Reactivated", "復活"),
    ("mv_resumed", "Resumed", "再開"),
    ("mv_expansion", "Expansion", "拡大"),
    ("mv_contraction", "Contraction", "縮小"),
    ("mv_paused", "Paused", "休止"),
    ("mv_churned", "Churned", "解約"),
    ("mv_adjustment", "Adjustment", "調整"),
    (
        "mv_new_desc",
        "clients who started in the later period",
        "後の期間に取引を開始したクライアント",
    ),
    (
        "mv_reactivated_desc",
        "clients back after they had churned",
        "解約後に戻ったクライアント",
    ),
    (
        "mv_resumed_desc",
        "clients paying again after a pause, never churned",
        "解約に至らず休止から再開したクライアント",
    ),
    ("mv_expansion_desc", "clients paying more", "売上が増えたクライアント"),
    ("mv_contraction_desc", "clients paying less", "売上が減ったクライアント"),
    (
        "mv_paused_desc",
        "no revenue in the later period, still active",
        "後の期間に売上はないが稼働中",
    ),
    (
        "mv_churned_desc",
        "no revenue in the later period, no longer active",
        "後の期間に売上がなく、稼働していない",
    ),
    (
        "mv_adjustment_desc",
        "credit notes of clients without revenue",
        "売上のないクライアントの返金・値引き",
    ),
    ("what_movements_mean", "What the movements mean", "増減区分の説明"),
    ("t12_movement_short", "12-month movement", "12か月の増減"),
    ("about_the_same", "about the same", "ほぼ変化なし"),
    ("fiscal_year", "Fiscal year", "会計年度"),
    ("quarters_title", "Revenue by fiscal quarter", "会計四半期別の売上"),
    ("to_date", "to date", "途中"),
    ("fy_total", "Year", "年度計"),
    ("download_csv", "Download CSV", "CSVをダウンロード"),
    ("downloads", "Download the metrics (CSV)", "指標データ (CSV)"),
    ("table_clients", "clients", "クライアント"),
    ("table_monthly", "months", "月次"),
    ("table_cohorts", "cohorts", "コホート"),
    ("table_channels", "channels", "チャネル"),
    (
        "health_history",
        "Health score, last 12 months",
        "ヘルススコアの推移 (直近12か月)",
    ),
    (
        "health_history_desc",
        "The health score as of each month, from the data known then.",
        "各月時点のデータで計算したヘルススコア。",
    ),
    ("filter_all", "All", "すべて"),
    ("filter_reset", "Show all", "すべて表示"),
    ("of_total", "of", "/"),
    // Predictive lifetime value (SPEC 3.9); `{n}`, `{v}`, `{h}`, `{p}` are filled in.
    ("forecast", "Forecast", "予測"),
    ("contract", "Contract", "契約形態"),
    ("contract_retainer", "Retainer", "リテーナー"),
    ("contract_project", "Project", "プロジェクト"),
    (
        "forecast_stay",
        "Expected to stay about {n} more months",
        "あと約{n}か月の継続が見込まれます",
    ),
    (
        "forecast_value",
        "Predicted value {v} (gross profit over the next {h} months at most)",
        "予測価値 {v}（今後最大{h}か月の粗利）",
    ),
    ("forecast_p_active", "P(active) {p}", "継続確率 P(active) {p}"),
    (
        "forecast_purchases",
        "{n} purchases expected in the next {h} months",
        "今後{h}か月の購入見込み {n}回",
    ),
    ("forecast_expected_value", "Expected value {v}", "期待価値 {v}"),
    (
        "forecast_model_sbg",
        "Retention model (sBG) fitted on the portfolio's retainer clients: the longer a client has stayed, the longer it is expected to stay.",
        "ポートフォリオのリテーナー顧客で推定した継続モデル (sBG)：長く続いている顧客ほど、今後も長く続くと見込まれます。",
    ),
    (
        "forecast_model_geometric",
        "Retention model: the portfolio's retainer clients churn alike ({p} a month), so the outlook does not depend on tenure.",
        "継続モデル：リテーナー顧客の解約率は一様（月{p}）のため、見込みは取引期間によりません。",
    ),
    (
        "forecast_model_bgnbd",
        "Purchase model (BG/NBD + Gamma-Gamma) fitted on the portfolio's project clients. A low P(active) is a reason to call, not a fact.",
        "ポートフォリオのプロジェクト顧客で推定した購買モデル (BG/NBD + Gamma-Gamma)。継続確率が低いのは連絡のきっかけであり、事実ではありません。",
    ),
    (
        "forecast_none_retainer",
        "No forecast yet: the retention model needs at least two start-month cohorts in which a retainer client left.",
        "予測なし：継続モデルには、リテーナー顧客の解約があった開始月コホートが2つ以上必要です。",
    ),
    (
        "forecast_none_project",
        "No forecast yet: the purchase model needs at least 20 project clients with a repeat purchase.",
        "予測なし：購買モデルには、リピート購入のあるプロジェクト顧客が20社以上必要です。",
    ),
    (
        "forecast_no_purchase",
        "No forecast: no invoice yet.",
        "予測なし：まだ請求がありません。",
    ),
    (
        "forecast_churned",
        "No forecast: the client is no longer active.",
        "予測なし：このクライアントは稼働していません。",
    ),
    (
        "top_predicted_value",
        "Highest predicted value",
        "予測価値の高いクライアント",
    ),
    ("lowest_p_active", "Lowest P(active)", "継続確率の低いクライアント"),
    ("predicted_value", "Predicted value", "予測価値"),
    ("outlook", "Outlook", "見込み"),
    ("p_active", "P(active)", "継続確率"),
    ("expected_purchases", "Expected purchases", "購入見込み"),
    ("last_revenue", "Last revenue", "最終売上月"),
    (
        "no_forecasts",
        "No forecast yet: see the notes on the cohorts page.",
        "予測はまだありません。",
    ),
    (
        "survival_fit_title",
        "Retainer clients still active: model against observed",
        "リテーナー顧客の継続率：モデルと実績",
    ),
    (
        "survival_fit_desc",
        "Share of retainer clients that have not churned yet, by months since their start: observed over all cohorts, and predicted by the sBG retention model.",
        "開始からの月数ごとの、まだ解約していないリテーナー顧客の割合：全コホートの実績と、sBG 継続モデルの予測。",
    ),
    ("observed", "Observed", "実績"),
    ("model_sbg", "sBG model", "sBG モデル"),
    ("still_active", "Still a client", "継続中の割合"),
    // The client edition of the monthly review, and the links to it.
    ("client_edition", "Client edition", "クライアント版"),
    ("briefing", "Briefing", "ブリーフィング"),
    ("talking_points", "Talking points", "話すポイント"),
    ("tp_results", "Results", "成果"),
    ("tp_watch", "Watch", "注意"),
    ("tp_step", "Approach", "進め方"),
    ("edition_monthly_review", "Monthly review", "月次レビュー"),
    ("at_a_glance", "This month at a glance", "今月のまとめ"),
    ("results_of_work", "Results of our work", "取り組みの成果"),
    (
        "no_outcomes",
        "No results are measured yet.",
        "まだ測定された成果はありません。",
    ),
    ("last_month", "Last month", "前月"),
    ("a_year_ago", "A year ago", "前年同月"),
    ("now", "Now", "今月"),
    (
        "fees_of_month",
        "Services and fees this month",
        "今月のサービスとご請求",
    ),
    ("fees_this_month", "Fees this month", "今月のご請求"),
    ("no_fees", "No fees this month.", "今月のご請求はありません。"),
    ("credit", "credit", "返金"),
    ("meeting_notes", "Meeting notes", "議事録"),
    ("prepared_for", "Prepared for", "ご提出先"),
    ("prepared_by", "Prepared by", "作成"),
    ("page_of", "Page", "ページ"),
    (
        "not_in_client_edition",
        "Left out of the client edition",
        "クライアント版には載りません",
    ),
    ("review_of_month", "Review", "レビュー"),
];

/// The labels of one language, for templates.
pub fn labels(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    LABELS
        .iter()
        .map(|(k, en, ja)| {
            (
                *k,
                match lang {
                    Lang::En => *en,
                    Lang::Ja => *ja,
                },
            )
        })
        .collect()
}

/// One label by key (for text built in Rust, e.g. chart titles); empty for
/// an unknown key (which tests catch: see `asked_unknown`).
pub fn label(lang: Lang, key: &str) -> &'static str {
    match LABELS.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, ja)) => match lang {
            Lang::En => en,
            Lang::Ja => ja,
        },
        None => {
            #[cfg(test)]
            ASKED_UNKNOWN
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key.to_string());
            ""
        }
    }
}

/// The unknown keys [`label`] was asked for by any test so far: a key built
/// at run time (`segment_{…}`, `kind_{…}`) that has no label.
#[cfg(test)]
static ASKED_UNKNOWN: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

#[cfg(test)]
pub(crate) fn asked_unknown() -> std::collections::BTreeSet<String> {
    ASKED_UNKNOWN.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every `t.<key>` of the templates.
    fn template_keys(text: &str, out: &mut BTreeSet<String>) {
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices("t.") {
            let word_before =
                i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'.');
            let key: String = text[i + 2..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !word_before && !key.is_empty() {
                out.insert(key);
            }
        }
    }

    /// Every `.t("<key>")` of the Rust code (keys built at run time are
    /// checked by the pages' tests through `asked_unknown`).
    fn code_keys(text: &str, out: &mut BTreeSet<String>) {
        for (i, pattern) in text.match_indices(".t(\"") {
            let rest = &text[i + pattern.len()..];
            if let Some(end) = rest.find('"') {
                out.insert(rest[..end].to_string());
            }
        }
    }

    fn keys_used(root: &Path) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for (dir, ext, scan) in [
            ("templates", "html", template_keys as fn(&str, &mut BTreeSet<String>)),
            ("templates", "xml", template_keys),
            ("src", "rs", code_keys),
        ] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                // This file's own examples are no use of a key.
                let own = entry.path().ends_with("src/i18n.rs");
                if entry.path().extension().is_some_and(|e| e == ext) && !own {
                    let text = std::fs::read_to_string(entry.path()).expect("a source file reads");
                    scan(&text, &mut used);
                }
            }
        }
        used
    }

    fn missing(used: &BTreeSet<String>) -> Vec<String> {
        used.iter()
            .filter(|k| {
                !LABELS
                    .iter()
                    .any(|(key, en, ja)| key == k && !en.is_empty() && !ja.is_empty())
            })
            .cloned()
            .collect()
    }

    #[test]
    fn every_key_the_templates_and_pages_use_exists_in_both_languages() {
        let used = keys_used(Path::new(env!("CARGO_MANIFEST_DIR")));
        // The scan finds the keys (a broken scan would find none).
        assert!(
            used.contains("dashboard") && used.contains("break_even") && used.len() > 150,
            "{used:?}"
        );
        assert_eq!(
            missing(&used),
            Vec::<String>::new(),
            "keys without a label in en and ja"
        );
        // A key without a label is reported.
        let mut with_typo = used.clone();
        template_keys("{{ t.dashbaord }}", &mut with_typo);
        code_keys(r#"c.t("break_evn")"#, &mut with_typo);
        assert_eq!(missing(&with_typo), ["break_evn", "dashbaord"]);
    }

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = std::collections::BTreeSet::new();
        for (k, en, ja) in LABELS {
            assert!(seen.insert(*k), "duplicate label key {k}");
            assert!(!en.is_empty() && !ja.is_empty(), "{k} lacks a translation");
        }
    }
}
