"""Registry terms in plain language: the glossary page, and the explanations beside terms on record pages.

Each Term may name the registry enum values it explains (PHASE2, RANDOMIZED, RECRUITING…), so a record
page can explain the value it shows. Definitions are interface text: they are translated.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    definition: str
    values: tuple = ()


@dataclass(frozen=True)
class Topic:
    title: str
    terms: tuple


TOPICS = (
    Topic(
        _("Phases"),
        (
            Term(
                "early-phase-1",
                _("Early phase 1"),
                _(
                    "A first, very small test in people, with very low doses, to learn how a drug behaves in the "
                    "body before a phase 1 trial. It is not meant to treat anyone."
                ),
                ("EARLY_PHASE1",),
            ),
            Term(
                "phase-1",
                _("Phase 1"),
                _(
                    "The first tests of a treatment in a small group of people, often 20 to 80, to find a safe "
                    "dose and its side effects."
                ),
                ("PHASE1",),
            ),
            Term(
                "phase-2",
                _("Phase 2"),
                _(
                    "The treatment is given to more people, often up to a few hundred, to see whether it works "
                    "and to keep checking its safety."
                ),
                ("PHASE2",),
            ),
            Term(
                "phase-3",
                _("Phase 3"),
                _(
                    "Large trials, often hundreds to thousands of people, that compare the treatment with the "
                    "usual treatment or a placebo. Their results decide whether it can be approved."
                ),
                ("PHASE3",),
            ),
            Term(
                "phase-4",
                _("Phase 4"),
                _("Studies of a treatment after it is approved, to learn more about its long-term benefits and risks."),
                ("PHASE4",),
            ),
            Term(
                "phase-not-applicable",
                _("Phase: not applicable"),
                _("Phases are for drug trials. Trials of devices, behaviour or surgery often have no phase."),
                ("NA",),
            ),
        ),
    ),
    Topic(
        _("How a trial is designed"),
        (
            Term(
                "study-type",
                _("Interventional or observational"),
                _(
                    "In an interventional trial, people receive a treatment or other intervention chosen by the "
                    "trial. In an observational study, researchers watch what happens with people's usual care."
                ),
                ("INTERVENTIONAL", "OBSERVATIONAL"),
            ),
            Term(
                "expanded-access",
                _("Expanded access"),
                _(
                    "A way for people with a serious illness and no other options to get a treatment that is not "
                    "yet approved, outside a clinical trial."
                ),
                ("EXPANDED_ACCESS",),
            ),
            Term(
                "allocation",
                _("Allocation"),
                _("How people are put into the trial's groups: at random, or chosen by the researchers."),
            ),
            Term(
                "randomized",
                _("Randomized"),
                _(
                    "People are put into groups by chance, like tossing a coin, so the groups are alike and the "
                    "comparison is fair. Neither you nor your doctor chooses your group."
                ),
                ("RANDOMIZED",),
            ),
            Term(
                "non-randomized",
                _("Non-randomized"),
                _("People are put into groups by the researchers or by their situation, not by chance."),
                ("NON_RANDOMIZED",),
            ),
            Term(
                "masking",
                _("Masking (blinding)"),
                _(
                    "Who does not know which group each person is in: the participants, their doctors, the "
                    "people checking the results, or the people analysing them. Open label means everyone knows."
                ),
            ),
            Term(
                "placebo",
                _("Placebo"),
                _(
                    "A dummy treatment that looks like the real one but has no active ingredient. Comparing with "
                    "a placebo shows what the treatment itself does."
                ),
                ("PLACEBO_COMPARATOR",),
            ),
            Term(
                "arm-group",
                _("Study group (arm)"),
                _(
                    "A group of participants who receive the same intervention. Many trials compare two or more "
                    "groups, for example a new treatment and the usual one."
                ),
            ),
            Term(
                "intervention",
                _("Intervention"),
                _("What the trial gives or does: a drug, device, procedure, behaviour change, test, or other."),
            ),
            Term(
                "intervention-model",
                _("Intervention model"),
                _(
                    "The plan for who gets what: one group all treated the same (single group), groups treated "
                    "side by side (parallel), each person trying each treatment in turn (crossover), or "
                    "combinations of treatments (factorial)."
                ),
            ),
            Term(
                "primary-purpose",
                _("Primary purpose"),
                _(
                    "The main reason for the trial: to treat, prevent, diagnose or screen for a condition, to "
                    "support people's care, or to study how the body or a treatment works."
                ),
            ),
            Term(
                "outcome",
                _("Primary and secondary outcomes"),
                _(
                    "What the trial measures to find out whether the intervention works. The primary outcome is "
                    "the main one; secondary outcomes are other things measured."
                ),
            ),
        ),
    ),
    Topic(
        _("Taking part"),
        (
            Term(
                "eligibility-criteria",
                _("Eligibility criteria"),
                _(
                    "The rules for who can join: inclusion criteria are what people must have, exclusion criteria "
                    "are what rules them out. Only the study team can confirm whether you can take part."
                ),
            ),
            Term(
                "healthy-volunteers",
                _("Healthy volunteers"),
                _(
                    "People who do not have the condition being studied. Some trials need them, for example to "
                    "compare with people who have it, or to test safety."
                ),
            ),
            Term(
                "enrollment",
                _("Enrollment (estimated or actual)"),
                _(
                    "How many people take part. Before a trial ends it is an estimate, the number it plans to "
                    "enrol; afterwards it is the actual number who joined."
                ),
            ),
            Term(
                "sponsor",
                _("Sponsor and collaborators"),
                _(
                    "The sponsor is the company, university, hospital or agency responsible for the trial. "
                    "Collaborators help to run or pay for it."
                ),
            ),
            Term(
                "principal-investigator",
                _("Principal investigator"),
                _("The doctor or researcher who leads the trial, or leads it at one site."),
            ),
            Term(
                "nct-number",
                _("NCT number"),
                _(
                    "The trial's unique number on ClinicalTrials.gov, like NCT01234567. Use it to find the trial "
                    "or to talk about it with your doctor."
                ),
            ),
        ),
    ),
    Topic(
        _("Recruitment status"),
        (
            Term(
                "not-yet-recruiting",
                _("Not yet recruiting"),
                _("The trial has not started taking people yet."),
                ("NOT_YET_RECRUITING",),
            ),
            Term(
                "recruiting", _("Recruiting"), _("The trial is looking for people to take part now."), ("RECRUITING",)
            ),
            Term(
                "enrolling-by-invitation",
                _("Enrolling by invitation"),
                _("The trial is taking people, but only those the researchers invite, often from an earlier group."),
                ("ENROLLING_BY_INVITATION",),
            ),
            Term(
                "active-not-recruiting",
                _("Active, not recruiting"),
                _("The trial is going on, but it is not taking any more people."),
                ("ACTIVE_NOT_RECRUITING",),
            ),
            Term(
                "suspended",
                _("Suspended"),
                _("The trial has stopped for now and may start again."),
                ("SUSPENDED",),
            ),
            Term(
                "terminated",
                _("Terminated"),
                _("The trial stopped early and will not start again. People in it are no longer being treated in it."),
                ("TERMINATED",),
            ),
            Term("completed", _("Completed"), _("The trial has ended normally."), ("COMPLETED",)),
            Term(
                "withdrawn",
                _("Withdrawn"),
                _("The trial stopped before anyone joined."),
                ("WITHDRAWN",),
            ),
            Term(
                "unknown-status",
                _("Unknown status"),
                _(
                    "The trial was recruiting or about to, but its record has not been checked for over two years, "
                    "so its real status is unknown."
                ),
                ("UNKNOWN",),
            ),
            Term(
                "withheld",
                _("Withheld"),
                _("The record does not make its status public."),
                ("WITHHELD",),
            ),
            Term(
                "expanded-access-status",
                _("Expanded access statuses"),
                _(
                    "Available: the treatment can be asked for now. No longer available, or temporarily not "
                    "available: it cannot be, for now or for good. Approved for marketing: it is approved and can "
                    "be prescribed."
                ),
                ("AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING"),
            ),
        ),
    ),
    Topic(
        _("Reading the results"),
        (
            Term(
                "participant-flow",
                _("Participant flow"),
                _(
                    "How many people started the trial in each group, how many completed it, and why the others "
                    "left (for example side effects, moving away, or choosing to stop)."
                ),
            ),
            Term(
                "baseline",
                _("Baseline"),
                _(
                    "What the people in each group were like when the trial began, such as their age, sex and how "
                    "ill they were. Groups that start alike can be compared fairly."
                ),
            ),
            Term(
                "primary-outcome",
                _("Primary outcome"),
                _(
                    "The main thing the trial was set up to measure, chosen before it began. Secondary outcomes "
                    "are other things measured; a result found only there is less certain."
                ),
            ),
            Term(
                "adverse-event",
                _("Adverse event"),
                _(
                    "Any unwanted change in health during the trial, whether or not the treatment caused it. "
                    "Comparing groups shows which events may come from the treatment."
                ),
            ),
            Term(
                "serious-adverse-event",
                _("Serious adverse event"),
                _(
                    "An adverse event that causes death, is life-threatening, needs a stay in hospital, leads to "
                    "lasting disability or a birth defect, or is as grave as these."
                ),
            ),
            Term(
                "confidence-interval",
                _("Confidence interval"),
                _(  # xgettext:no-python-format
                    "The range within which the true value probably lies. A 95% confidence interval that is narrow "
                    "means a precise result; one that includes no difference means the groups may not differ."
                ),
            ),
            Term(
                "p-value",
                _("p-value"),
                _(
                    "How likely a difference this large would be if the treatments truly did not differ. A small "
                    "p-value (often below 0.05) suggests the difference is real, not how large or important it is."
                ),
            ),
        ),
    ),
)

TERMS = {term.slug: term for topic in TOPICS for term in topic.terms}
BY_VALUE = {value: term for term in TERMS.values() for value in term.values}


def explaining(key):
    """The term a slug or a registry enum value names, or None."""
    return TERMS.get(key) or BY_VALUE.get(key)
