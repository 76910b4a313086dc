//! The words of a demo client: its monthly meeting notes and its success
//! story, written from what the simulation produced.

use std::fmt::Write as _;

use super::context::{Ctx, KpiTrack, MonthState};
use super::random::Rng;
use super::vocabulary::{ConsentKind, Industry};
use super::write::{toml_str, with_unit, yen};

pub(super) fn note(
    ctx: &Ctx,
    rng: &mut Rng,
    t: usize,
    name: &str,
    contacts: &[(String, &str)],
    state: &[MonthState],
    kpis: &[KpiTrack],
) -> String {
    let st = state[t];
    let (ym, last, month_name) = &ctx.cal[t];
    let meeting_day = (20 + rng.below(8) as u8).min(*last);
    let attendees: Vec<String> = contacts.iter().map(|(n, r)| format!("{n} ({r})")).collect();
    let mut s = String::with_capacity(1024);
    match rng.below(10) {
        0..=6 => {
            let list: Vec<String> = attendees.iter().map(|a| toml_str(a)).collect();
            let _ = write!(
                s,
                "+++\ntitle = \"{month_name} monthly review\"\nattendees = [{}]\n+++\n\n",
                list.join(", ")
            );
        }
        7..=8 => {
            let _ = write!(s, "---\ntitle: \"{month_name} review\"\ntags: [monthly]\n---\n\n");
        }
        _ => {}
    }
    let _ = write!(
        s,
        "# {name}: {month_name} review\n\n*Meeting on {ym}-{meeting_day:02}. Attendees: {}.*\n\n## Discussion\n\n",
        attendees.join(", ")
    );
    let prev = if t > 0 { state[t - 1].revenue } else { 0 };
    if prev > 0 && st.revenue != prev {
        let change = (st.revenue - prev) as f64 / prev as f64 * 100.0;
        let _ = writeln!(
            s,
            "- Billing this month: {} ({change:+.0}% on last month).",
            yen(st.revenue)
        );
    } else {
        let _ = writeln!(s, "- Billing this month: {}.", yen(st.revenue));
    }
    for k in kpis {
        if let Some(v) = k.current {
            let _ = writeln!(
                s,
                "- {}: {} (baseline {}, target {}).",
                k.kpi.name,
                with_unit(v, k.kpi),
                with_unit(k.baseline, k.kpi),
                with_unit(k.target, k.kpi)
            );
        }
    }
    let _ = writeln!(
        s,
        "- {} meetings and {} support tickets this month.",
        st.meetings, st.tickets
    );
    s.push_str("\n## Decisions\n\n");
    if st.health >= 0.7 {
        s.push_str("- Keep the current plan; propose the next step at the quarterly review.\n");
        s.push_str("- Ask whether they would share their results as a story.\n");
    } else if st.health >= 0.4 {
        s.push_str("- Show the value of the features they do not use yet.\n");
        s.push_str("- Agree on one measurable goal for next month.\n");
    } else {
        s.push_str("- Listen first: schedule a call with the sponsor about what is not working.\n");
        s.push_str("- Re-onboard the new team members; no upselling this quarter.\n");
    }
    let _ = write!(
        s,
        "\n## Next actions\n\n- {}: send the updated numbers before the next review.\n- Us: prepare the {} report.\n",
        contacts[0].0,
        ctx.cal.get(t + 1).map(|c| c.2.as_str()).unwrap_or("next month's")
    );
    s
}

#[allow(clippy::too_many_arguments)]
pub(super) fn story(
    ctx: &Ctx,
    rng: &mut Rng,
    idx: usize,
    name: &str,
    industry: &Industry,
    consent: ConsentKind,
    contacts: &[(String, &str)],
    kpis: &[KpiTrack],
    last_nps: Option<u8>,
) -> String {
    let figures = consent.scope.contains(&"figures");
    let named = consent.scope.contains(&"name");
    let months = ctx.months;
    // Dated in the last year, never after the last month; an expired
    // consent was given earlier and ran out before the last month ended.
    let t = if consent.expired {
        (months - 1).saturating_sub(5 + rng.below(7))
    } else {
        months - 1 - rng.below(months.min(12))
    };
    let (ym, last, _) = &ctx.cal[t];
    let day = 1 + rng.below(*last as usize) as u8;
    let date = format!("{ym}-{day:02}");
    let granted = ctx.date(t, day.saturating_sub(7).max(1));
    let main = kpis.first();
    let title = match (main, figures) {
        (Some(k), true) => {
            let change = k.current.map(|c| (c - k.baseline) / k.baseline * 100.0).unwrap_or(0.0);
            format!("How {name} {} ({:+.0}%)", k.kpi.verb, change)
        }
        (Some(k), false) => format!("How {name} {}", k.kpi.verb),
        (None, _) => format!("How {name} made its monthly review count"),
    };
    let summary = match main {
        Some(k) => format!("How a {} {}, one monthly review at a time.", industry.noun, k.kpi.verb),
        None => format!(
            "How a {} made its monthly review the meeting that counts.",
            industry.noun
        ),
    };
    let quote = match last_nps {
        Some(s) if s >= 9 => "The monthly review is the one meeting our whole team looks forward to.",
        _ => "We finally see on one page what works and what does not.",
    };
    let role = contacts[0].1;
    let mut s = String::with_capacity(2048);
    // An explicit slug for the anonymised stories (their titles may repeat);
    // named ones derive it from the title.
    let slug = (!named).then(|| {
        let kpi = main.map(|k| k.kpi.name).unwrap_or("review");
        format!(
            "{}-{}-{:0w$}",
            crate::publish::slugify(industry.name),
            crate::publish::slugify(kpi),
            idx + 1,
            w = ctx.width
        )
    });
    let scope: Vec<String> = consent.scope.iter().map(|x| format!("\"{x}\"")).collect();
    let expires = if consent.expired {
        Some(ctx.date((t + 3).min(months - 1), 31))
    } else if rng.chance(0.6) {
        Some(format!("2027-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)))
    } else {
        None
    };
    let mut fields = vec![("title", toml_str(&title))];
    if let Some(slug) = &slug {
        fields.push(("slug", format!("\"{slug}\"")));
    }
    fields.push(("summary", toml_str(&summary)));
    fields.push(("date", date));
    fields.push(("quote", toml_str(quote)));
    let mut consent_fields = Vec::new();
    if consent.status != "none" {
        consent_fields.push(("status", format!("\"{}\"", consent.status)));
        if consent.status == "granted" || consent.status == "revoked" {
            consent_fields.push(("granted_on", granted));
            consent_fields.push(("approved_by", toml_str(&format!("{}, {role}", contacts[0].0))));
        }
        if let Some(e) = expires {
            consent_fields.push(("expires", e));
        }
        consent_fields.push(("scope", format!("[{}]", scope.join(", "))));
    }
    let dialect = if rng.chance(0.8) { &TOML } else { &YAML };
    write_front_matter(&mut s, dialect, &fields, &consent_fields);
    write_story_body(&mut s, name, industry, main.filter(|_| figures));
    s
}

/// How a front matter is spelled: the sample mixes TOML and YAML, as a real
/// project might.
struct Dialect {
    fence: &'static str,
    separator: &'static str,
    consent_header: &'static str,
    nested_indent: &'static str,
}

const TOML: Dialect = Dialect {
    fence: "+++",
    separator: " = ",
    consent_header: "[consent]",
    nested_indent: "",
};

const YAML: Dialect = Dialect {
    fence: "---",
    separator: ": ",
    consent_header: "consent:",
    nested_indent: "  ",
};

/// Writes a front matter of `fields` and, unless empty, a `consent` table of
/// `consent` (values as they are to appear, quoted where needed), then a
/// blank line.
fn write_front_matter(s: &mut String, dialect: &Dialect, fields: &[(&str, String)], consent: &[(&str, String)]) {
    let Dialect {
        fence,
        separator,
        consent_header,
        nested_indent,
    } = dialect;
    let _ = writeln!(s, "{fence}");
    for (key, value) in fields {
        let _ = writeln!(s, "{key}{separator}{value}");
    }
    if !consent.is_empty() {
        let _ = writeln!(s, "{consent_header}");
        for (key, value) in consent {
            let _ = writeln!(s, "{nested_indent}{key}{separator}{value}");
        }
    }
    let _ = writeln!(s, "{fence}\n");
}

/// The story's text: what we did, then the results, with the main KPI's
/// figures when `measured` (the consent covers figures) or in words.
fn write_story_body(s: &mut String, name: &str, industry: &Industry, measured: Option<&KpiTrack>) {
    let short = name.split(' ').next().unwrap_or(name);
    let _ = write!(
        s,
        "When the team at {name} first asked us for help, nobody could say which part of the \
         budget paid for itself. Like many in {}, they had tried one campaign after another.\n\n\
         ## What we did\n\n\
         - **One scorecard.** Each month starts with the same page: the results, what changed and what comes next.\n\
         - **Small steps.** We changed one thing at a time and kept what worked.\n\
         - **Honest reviews.** {short} and our team read the numbers together every month.\n\n\
         ## Results\n\n",
        industry.name.to_lowercase()
    );
    match measured {
        Some(k) => {
            let _ = writeln!(
                s,
                "{} moved from {} to {} (the target was {}).",
                k.kpi.name,
                with_unit(k.baseline, k.kpi),
                with_unit(k.current.unwrap_or(k.baseline), k.kpi),
                with_unit(k.target, k.kpi)
            );
        }
        _ => {
            let _ = writeln!(
                s,
                "The team at {short} now plans each quarter with numbers it trusts, and the monthly review \
                 is where decisions get made."
            );
        }
    }
}
