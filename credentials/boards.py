"""State licensing boards: where staff look a contractor license number up.

One row per state: the board's public lookup page. Most boards have no stable query-string
search, so the link opens the lookup page and staff paste the number (shown beside the
link, with a copy button); where a board accepts the number in the URL, `{number}` is
filled in. Kept as data so a board that moves its page is a one-line change.
"""

from urllib.parse import quote

BOARD_LOOKUP = {
    "AL": "https://genconbd.alabama.gov/Search.aspx",
    "AK": "https://www.commerce.alaska.gov/cbp/main/search/professional",
    "AZ": "https://roc.az.gov/contractor-search",
    "AR": "https://www.aclb.arkansas.gov/contractor-search/",
    "CA": "https://www.cslb.ca.gov/OnlineServices/CheckLicenseII/LicenseDetail.aspx?LicNum={number}",
    "CO": "https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx",
    "CT": "https://www.elicense.ct.gov/lookup/licenselookup.aspx",
    "DE": "https://delpros.delaware.gov/OH_VerifyLicense",
    "DC": "https://govservices.dcra.dc.gov/oplaportal/Home/GetLicenseSearchDetails",
    "FL": "https://www.myfloridalicense.com/wl11.asp?mode=0&SID=",
    "GA": "https://verify.sos.ga.gov/verification/",
    "HI": "https://mypvl.dcca.hawaii.gov/public-license-search/",
    "ID": "https://dopl.idaho.gov/lookup/",
    "IL": "https://online-dfpr.micropact.com/lookup/licenselookup.aspx",
    "IN": "https://mylicense.in.gov/everification/",
    "IA": "https://www.iowaworkforcedevelopment.gov/contractor-registration",
    "KS": "https://www.kansas.gov/ssrv-contractor-lookup/",
    "KY": "https://dhbc.ky.gov/Pages/license-lookup.aspx",
    "LA": "https://lslbc.louisiana.gov/contractor-search/",
    "ME": "https://www.pfr.maine.gov/ALMSOnline/ALMSQuery/SearchIndividual.aspx",
    "MD": "https://www.dllr.state.md.us/cgi-bin/ElectronicLicensing/OP_search/OP_search.cgi?calling_app=HIC::HIC_qselect",
    "MA": "https://elicensing21.mass.gov/CitizenAccess/GeneralProperty/PropertyLookUp.aspx",
    "MI": "https://aca-prod.accela.com/MILARA/GeneralProperty/PropertyLookUp.aspx",
    "MN": "https://ims.dli.mn.gov/ims/",
    "MS": "https://www.msboc.us/search-contractor/",
    "MO": "https://pr.mo.gov/licensee-search.asp",
    "MT": "https://erdcontractor.mt.gov/",
    "NE": "https://dol.nebraska.gov/conreg/Search",
    "NV": "https://app.nvcontractorsboard.com/Clients/NVSCB/Public/ContractorLicenseSearch/ContractorLicenseSearch.aspx",
    "NH": "https://forms.nh.gov/licenseverification/",
    "NJ": "https://newjersey.mylicense.com/verification/",
    "NM": "https://public.psiexams.com/search.jsp",
    "NY": "https://appext20.dos.ny.gov/lcns_public/chk_load",
    "NC": "https://nclbgc.org/search-licensee-public/",
    "ND": "https://firststop.sos.nd.gov/search/contractor",
    "OH": "https://elicense.ohio.gov/oh_verifylicense",
    "OK": "https://cib.ok.gov/license-search",
    "OR": "https://search.ccb.state.or.us/search/",
    "PA": "https://hicsearch.attorneygeneral.gov/",
    "RI": "https://crb.ri.gov/consumer/search-registrantlicensee",
    "SC": "https://verify.llronline.com/LicLookup/Contractors/Contractor.aspx?div=69",
    "SD": "https://dlr.sd.gov/contractors/default.aspx",
    "TN": "https://verify.tn.gov/",
    "TX": "https://www.tdlr.texas.gov/LicenseSearch/SearchResultDetail.asp?1=&2={number}",
    "UT": "https://secure.utah.gov/llv/search/index.html",
    "VT": "https://sos.vermont.gov/opr/find-a-professional/",
    "VA": "https://www.dpor.virginia.gov/LicenseLookup",
    "WA": "https://secure.lni.wa.gov/verify/Results.aspx#{number}",
    "WV": "https://wvclboard.wv.gov/verify/",
    "WI": "https://licensesearch.wi.gov/",
    "WY": "https://sos.wyo.gov/Business/Default.aspx",
}


def board_lookup_url(state: str, number: str) -> str:
    """The lookup page of the state's board, with the license number filled in where the
    board accepts it in the URL; "" for a state we have no board for."""
    template = BOARD_LOOKUP.get((state or "").upper())
    if not template:
        return ""
    return template.replace("{number}", quote((number or "").strip(), safe=""))
