//! Every label of both sites in English and Japanese (`lang` in
//! casebook.toml). Templates read them as `t.<key>`.

use std::collections::BTreeMap;

use crate::config::Lang;

/// (key, English, Japanese).
const LABELS: &[(&str, &str, &str)] = &[
    ("internal_site", "Internal", "社内用"),
    ("dashboard", "Portfolio", "ポートフォリオ"),
    ("cohorts", "Cohorts", "コホート"),
    ("clients", "Clients", "クライアント"),
    ("client", "Client", "クライアント"),
    ("as_of", "As of", "基準月"),
    ("confidential", "Confidential — internal use only", "社外秘 — 社内限定"),
    ("monthly_review", "Monthly review", "月次レビュー"),
    ("reports", "Monthly reports", "月次レポート"),
    ("overview", "Overview", "概要"),
    ("name", "Name", "名称"),
    ("industry", "Industry", "業種"),
    ("channel", "Channel", "獲得チャネル"),
    ("client_since", "Client since", "取引開始"),
    ("segment", "Segment", "セグメント"),
    ("touch", "Touch", "タッチ"),
    ("health", "Health", "ヘルス"),
    ("revenue_month", "Revenue this month", "当月売上"),
    ("revenue_prev_month", "Last month", "前月"),
    ("revenue_year_ago", "Same month last year", "前年同月"),
    ("revenue_t12", "Revenue, last 12 months", "直近12か月売上"),
    ("revenue_ltv", "Lifetime revenue", "累計売上 (LTV)"),
    ("profit_ltv", "Lifetime profit after CAC", "CAC控除後の累計粗利"),
    ("ltv_cac", "LTV:CAC", "LTV:CAC"),
    ("cac", "Acquisition cost (CAC)", "獲得コスト (CAC)"),
    ("tenure", "Tenure", "取引期間"),
    ("months", "months", "か月"),
    ("nps_latest", "Latest NPS score", "最新NPSスコア"),
    ("nps", "NPS", "NPS"),
    ("avg_invoice", "Average invoice", "平均請求額"),
    ("invoices_per_month", "Invoices per month", "月あたり請求件数"),
    ("clients_total", "Clients", "クライアント数"),
    ("clients_alive", "Active clients", "稼働クライアント"),
    ("clients_new", "New this month", "当月新規"),
    ("clients_churned", "Churned this month", "当月解約"),
    ("arpa_month", "Revenue per active client", "稼働1社あたり売上"),
    ("churn_t12", "Monthly churn (12-month pooled)", "月次解約率 (12か月平均)"),
    ("predicted_ltv", "Predicted LTV (gross profit)", "予測LTV (粗利)"),
    ("avg_cac", "Average CAC (new clients, 12 months)", "平均CAC (直近12か月の新規)"),
    ("cac_payback", "CAC payback", "CAC回収期間"),
    ("nrr", "Net revenue retention", "売上継続率 (NRR)"),
    ("grr", "Gross revenue retention", "売上維持率 (GRR)"),
    ("nps_t12", "NPS, last 12 months", "NPS (直近12か月)"),
    ("upsell_rate", "Upsell rate", "アップセル率"),
    ("cross_sell_rate", "Cross-sell rate", "クロスセル率"),
    ("at_risk_list", "Clients at risk", "要注意クライアント"),
    ("no_clients_at_risk", "No client is at risk this month.", "今月、要注意のクライアントはありません。"),
    ("signals", "Signals", "シグナル"),
    ("no_signals", "No warning signals this month.", "今月の警告シグナルはありません。"),
    ("next_step", "Suggested next step", "推奨アクション"),
    ("notes", "Notes of the month", "今月のメモ"),
    ("no_notes", "No notes for this month.", "今月のメモはありません。"),
    ("outcomes", "Outcomes", "成果"),
    ("kpi", "KPI", "KPI"),
    ("baseline", "Baseline", "ベースライン"),
    ("current", "Current", "現在"),
    ("change", "Change", "変化"),
    ("target", "Target", "目標"),
    ("on_track", "On track", "順調"),
    ("off_track", "Not yet", "未達"),
    ("ltv_drivers", "LTV drivers", "LTVの要因"),
    ("six_months_ago", "6 months earlier", "6か月前"),
    ("now", "Now", "現在"),
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
    ("step_loyal", "Ask for a success story or a referral; offer the next tier.", "事例掲載や紹介をお願いし、上位プランを提案する。"),
    ("step_stable", "Show the value they are not using yet; propose a cross-sell.", "まだ活用されていない価値を示し、クロスセルを提案する。"),
    ("step_at_risk", "Listen first: re-onboard and fix what hurts. No selling this month.", "まず傾聴し、再オンボーディングで課題を解消する。今月は営業をしない。"),
    ("step_churned", "Hold an exit interview and keep the door open.", "解約理由をヒアリングし、再開の余地を残す。"),
    ("stories", "Success stories", "導入事例"),
    ("read_story", "Read the story", "事例を読む"),
    ("no_stories", "No stories are published yet.", "公開中の事例はまだありません。"),
    ("results", "Results", "成果"),
    ("published", "Published", "公開日"),
    ("pages", "Pages", "ページ"),
    ("feed", "Feed", "フィード"),
    ("home", "Home", "ホーム"),
    ("data_table", "Data", "データ"),
    ("print", "Print or save as PDF", "印刷 / PDF保存"),
    ("sort_hint", "Click a column header to sort.", "列見出しをクリックすると並べ替えます。"),
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

/// One label by key (for text built in Rust, e.g. chart titles).
pub fn label(lang: Lang, key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, ja)| match lang {
            Lang::En => *en,
            Lang::Ja => *ja,
        })
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = std::collections::BTreeSet::new();
        for (k, en, ja) in LABELS {
            assert!(seen.insert(*k), "duplicate label key {k}");
            assert!(!en.is_empty() && !ja.is_empty(), "{k} lacks a translation");
        }
    }
}
