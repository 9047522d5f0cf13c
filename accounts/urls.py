from django.urls import path

from accounts import api_views, views

urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.change_password, name="account-password"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="account-sign-out-everywhere"),
    path("operators/", views.operators, name="operators"),
    path("operators/<str:username>/role/", views.operator_role, name="operator-role"),
    path("operators/<str:username>/disable/", views.operator_disable, name="operator-disable"),
    path("operators/<str:username>/enable/", views.operator_enable, name="operator-enable"),
    path("operators/<str:username>/unlock/", views.operator_unlock, name="operator-unlock"),
    path("operators/<str:username>/password/", views.operator_password, name="operator-password"),
    path("api/login", api_views.api_login, name="api-login"),
    path("api/logout", api_views.api_logout, name="api-logout"),
    path("api/operators", api_views.api_operators, name="api-operators"),
    path("api/operators/<str:username>", api_views.api_operator, name="api-operator"),
]
