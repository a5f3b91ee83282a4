"""The proposal agent (phase 1): engine design → validated prose → proposal.

    from agents.proposal import ProposalDeps, write_proposal

    deps = ProposalDeps(requirements=load_requirements(data), language="es", project={...})
    proposal = write_proposal(deps)          # settings.H2O_AI_MODEL, else the offline model
    proposal.output                          # ProposalOutput (prose + the engine's figures)
    proposal.facts                           # DesignFacts (every table and number)
    proposal.fallback_reason                 # why the configured model was not used ("" if it was)

Modules: agent (Agent, tools, validator, fallback), offline (the FunctionModel
plan), narrative (prose from templates), facts (the design as the proposal
needs it), numbers (the number check), schema (ProposalOutput), format.
"""

from .agent import FALLBACK_REASONS, OFFLINE, ProposalDeps, configured_model, problems_with, proposal_agent, write_proposal
from .facts import DesignFacts
from .offline import offline_model
from .schema import Proposal, ProposalOutput

__all__ = [
    "FALLBACK_REASONS",
    "OFFLINE",
    "DesignFacts",
    "Proposal",
    "ProposalDeps",
    "ProposalOutput",
    "configured_model",
    "offline_model",
    "problems_with",
    "proposal_agent",
    "write_proposal",
]
