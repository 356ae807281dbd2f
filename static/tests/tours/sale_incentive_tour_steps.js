// Navigation steps shared by the tours of sale_incentive.

// From the apps menu, the app ``appXmlid``.
export function openApp(appXmlid, appName) {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: `Open ${appName}`,
            trigger: `.o_app[data-menu-xmlid='${appXmlid}']`,
            run: "click",
        },
    ];
}

// In the current app, the Commissions menu ``rootXmlid`` then, if given, its
// item ``menuXmlid`` (both sale_incentive menus).
export function openCommissionsMenu(rootXmlid, menuXmlid) {
    const steps = [
        {
            content: "Open the Commissions menu",
            trigger: `.o_menu_sections [data-menu-xmlid='sale_incentive.${rootXmlid}']`,
            run: "click",
        },
    ];
    if (menuXmlid) {
        steps.push({
            content: `Open ${menuXmlid}`,
            trigger: `.dropdown-menu [data-menu-xmlid='sale_incentive.${menuXmlid}']`,
            run: "click",
        });
    }
    return steps;
}

// Sales > Commissions > ``menuXmlid``, from the apps menu.
export function openSalesCommissions(menuXmlid) {
    return [
        ...openApp("sale.sale_menu_root", "Sales"),
        ...openCommissionsMenu("menu_sale_incentive_root", menuXmlid),
    ];
}
